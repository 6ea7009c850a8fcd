package io.lxcfsremount.core;

import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.bounded.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The threads of the passes, reused from one step and one pass to the next: a pass that started its
 * own each time spent more on starting and ending them (and on their first touch of memory) than on
 * reading the 100 tables it verifies. Up to {@code parallelism} of them may be started ahead
 * ({@link #ready}); any idle for {@code keepAlive} end. Unbounded: a step runs at most {@code
 * parallelism} at once, and a thread stuck in a call that never returns is left behind, never
 * waited for.
 */
final class PassThreads {
  private final int parallelism;
  private final Duration timeout;
  private final ThreadPoolExecutor threads;

  /**
   * @param timeout the longest a step waits for one namespace
   */
  PassThreads(int parallelism, Duration timeout, Duration keepAlive) {
    this.parallelism = parallelism;
    this.timeout = timeout;
    this.threads =
        new ThreadPoolExecutor(
            parallelism,
            Integer.MAX_VALUE,
            keepAlive.toMillis(),
            TimeUnit.MILLISECONDS,
            new SynchronousQueue<>(),
            DaemonThreads.named("reconcile"));
    threads.allowCoreThreadTimeOut(true);
  }

  /** Starts threads until {@code count} are alive, or {@code parallelism} (the core) are. */
  void ready(int count) {
    while (threads.getPoolSize() < count && threads.prestartCoreThread()) {
      // Each call starts one.
    }
  }

  /** How many are alive, busy or idle. */
  int alive() {
    return threads.getPoolSize();
  }

  /**
   * {@code work} on each of {@code items}, on at most {@code parallelism} threads, each taking the
   * next item not yet taken; in the order of {@code items}. An item whose work throws, or has not
   * ended by the deadline, gets {@code failed} with why instead.
   */
  <T, R> List<R> map(List<T> items, Function<T, R> work, BiFunction<T, String, R> failed) {
    if (items.isEmpty()) {
      return List.of();
    }
    List<FutureTask<R>> tasks =
        items.stream().map(n -> new FutureTask<>(() -> work.apply(n))).toList();
    AtomicInteger taken = new AtomicInteger();
    Runnable runner =
        () -> {
          for (int i = taken.getAndIncrement(); i < tasks.size(); i = taken.getAndIncrement()) {
            tasks.get(i).run();
          }
        };
    int runners = Math.min(parallelism, tasks.size());
    List<Future<?>> running = new ArrayList<>();
    // As long as waves of items that each took the whole timeout would take, then no longer.
    long waves = (tasks.size() + runners - 1) / runners;
    long deadline = System.nanoTime() + timeout.multipliedBy(waves).toNanos();
    try {
      for (int i = 0; i < runners; i++) {
        running.add(threads.submit(runner));
      }
      List<R> results = new ArrayList<>();
      for (int i = 0; i < tasks.size(); i++) {
        T item = items.get(i);
        results.add(await(tasks.get(i), deadline, why -> failed.apply(item, why)));
      }
      return results;
    } finally {
      // Out of time: no item is started any more, and the threads still at one interrupted.
      taken.set(tasks.size());
      running.forEach(r -> r.cancel(true));
    }
  }

  private <R> R await(Future<R> future, long deadline, Function<String, R> failed) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return failed.apply(
          "timed out: no result within "
              + Durations.text(timeout)
              + " per container (something in it does not answer)");
    } catch (ExecutionException e) {
      return failed.apply(String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed.apply("interrupted");
    }
  }
}
