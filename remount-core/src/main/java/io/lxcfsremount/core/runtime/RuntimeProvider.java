package io.lxcfsremount.core.runtime;

import java.time.Duration;

/**
 * One way to reach a container runtime, offered by that runtime's module: whether it is there to be
 * asked, where, and how to start asking it. The command line only chooses among providers.
 */
public interface RuntimeProvider {

  /**
   * Whether {@code --runtime auto} should ask it: its endpoint was given, or its socket exists.
   * Only looks; never connects.
   */
  boolean applicable();

  /** Where it is asked, for people: {@code CRI at unix:///run/containerd/containerd.sock}. */
  String describe();

  /**
   * Starts setting up the connection on a thread of its own and returns at once, so that the
   * caller's own start-up runs meanwhile. The runtime's first call waits for that set-up (see
   * {@link Connecting}); each call then takes at most {@code deadline}, and a failure names the
   * endpoint.
   */
  ContainerRuntime open(Duration deadline);
}
