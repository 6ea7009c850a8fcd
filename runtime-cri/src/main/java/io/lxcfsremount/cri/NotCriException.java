package io.lxcfsremount.cri;

import io.lxcfsremount.core.runtime.NotThisRuntimeException;

/**
 * Something answers at the endpoint, but not CRI v1: e.g. Docker's own containerd, whose CRI plugin
 * is disabled, or a runtime that only speaks the old v1alpha2.
 */
public final class NotCriException extends NotThisRuntimeException {
  NotCriException(String message, Throwable cause) {
    super(message, cause);
  }
}
