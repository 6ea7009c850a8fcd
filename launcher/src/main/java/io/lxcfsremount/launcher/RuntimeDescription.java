package io.lxcfsremount.launcher;

import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;

/**
 * A source of containers as {@code status} shows it: {@code cri} and {@code containerd 1.6.20 (CRI
 * v1) at unix:///run/containerd/containerd.sock}, or why it could not be asked.
 */
record RuntimeDescription(String name, String describe) {

  static RuntimeDescription of(ContainerRuntime runtime) {
    try {
      return new RuntimeDescription(runtime.name(), runtime.describe());
    } catch (RuntimeUnavailableException e) {
      return new RuntimeDescription(runtime.name(), "unavailable: " + e.getMessage());
    }
  }
}
