package io.lxcfsremount.core.proc;

import io.lxcfsremount.core.bounded.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A sweep of /proc on a daemon thread of its own, started at once, so that it runs while a runtime
 * answers instead of after it. Not a pool: a pass starts one or two, and none may outlive it
 * holding the JVM.
 */
final class OwnThread {
  private OwnThread() {}

  static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, task -> DaemonThreads.start(name, task));
  }
}
