package io.lxcfsremount.core.linux;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a namespace thread, which may never come back. */
final class ThreadJoin {
  private ThreadJoin() {}

  /**
   * Waits for {@code thread} until {@code timeout}; interrupts do not end the wait early (the
   * thread is mid-syscall in another namespace: its results are read only once it is done).
   *
   * @return whether it ended in time
   */
  static boolean within(Thread thread, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    try {
      while (thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
