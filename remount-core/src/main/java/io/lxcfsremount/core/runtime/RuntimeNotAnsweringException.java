package io.lxcfsremount.core.runtime;

/**
 * A container runtime accepted the call but did not answer it in time: a wedged daemon, not one
 * that is down. Asking it again at once would only wait as long again.
 */
public class RuntimeNotAnsweringException extends RuntimeUnavailableException {

  public RuntimeNotAnsweringException(String message) {
    super(message);
  }

  public RuntimeNotAnsweringException(String message, Throwable cause) {
    super(message, cause);
  }
}
