package io.lxcfsremount.core.bounded;

import java.util.concurrent.ThreadFactory;

/**
 * Threads that never hold the JVM: the agent's background work (a runtime asked ahead, a probe, a
 * stuck namespace visit given up on) must never keep a command from exiting. Named, so that a
 * thread dump says what each one does.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A daemon thread named {@code name} that will run {@code task}, not started. */
  public static Thread create(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Runs {@code task} on a new daemon thread named {@code name}. */
  public static Thread start(String name, Runnable task) {
    Thread thread = create(name, task);
    thread.start();
    return thread;
  }

  /** Makes daemon threads all named {@code name}, for a pool. */
  public static ThreadFactory named(String name) {
    return task -> create(name, task);
  }
}
