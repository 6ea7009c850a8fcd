package io.lxcfsremount.launcher;

import java.time.Duration;
import java.time.Instant;

/** Waits for a condition that an agent running on its own will make true. */
final class Eventually {
  interface Condition {
    boolean holds() throws Exception;
  }

  private Eventually() {}

  /** What to show when a condition never held, e.g. the agent's log. */
  interface Context {
    String get() throws Exception;
  }

  /** Polls {@code condition} every 10 ms; fails with {@code what} after {@code timeout}. */
  static Duration within(Duration timeout, String what, Condition condition) throws Exception {
    return within(timeout, what, condition, () -> "");
  }

  /** As {@link #within(Duration, String, Condition)}, with {@code context} in the failure. */
  static Duration within(Duration timeout, String what, Condition condition, Context context)
      throws Exception {
    Instant start = Instant.now();
    while (!condition.holds()) {
      if (Duration.between(start, Instant.now()).compareTo(timeout) > 0) {
        throw new AssertionError(
            "not within " + timeout.toMillis() + " ms: " + what + "\n" + context.get());
      }
      Thread.sleep(10);
    }
    return Duration.between(start, Instant.now());
  }
}
