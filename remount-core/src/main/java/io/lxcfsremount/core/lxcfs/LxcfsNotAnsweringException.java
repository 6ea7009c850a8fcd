package io.lxcfsremount.core.lxcfs;

/**
 * The lxcfs mounted at the configured folder did not answer its health probe in time: wedged
 * (stopped, looping), neither healthy nor known to be dead.
 */
public final class LxcfsNotAnsweringException extends LxcfsUnavailableException {
  public LxcfsNotAnsweringException(String message) {
    super(message, true);
  }
}
