package io.lxcfsremount.core.runtime;

/**
 * Something answers at the endpoint, but not as the runtime that was asked for: e.g. Docker's own
 * containerd on a CRI socket, its CRI plugin disabled. Asking it again will not change that.
 */
public class NotThisRuntimeException extends RuntimeUnavailableException {

  public NotThisRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
