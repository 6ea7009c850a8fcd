package io.lxcfsremount.launcher;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits, through Awaitility, for a condition that an agent running on its own will make true, and
 * shows what the agent did (its log) when the condition never held.
 */
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
  static void within(Duration timeout, String what, Condition condition) throws Exception {
    within(timeout, what, condition, () -> "");
  }

  /** As {@link #within(Duration, String, Condition)}, with {@code context} in the failure. */
  static void within(Duration timeout, String what, Condition condition, Context context)
      throws Exception {
    try {
      await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(condition::holds);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "not within " + timeout.toMillis() + " ms: " + what + "\n" + context.get(), e);
    }
  }
}
