package io.lxcfsremount.core.runtime;

/**
 * A container runtime could not be asked: its endpoint is missing, not a socket, or does not
 * answer.
 */
public class RuntimeUnavailableException extends Exception {

  public RuntimeUnavailableException(String message) {
    super(message);
  }

  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
