package io.lxcfsremount.core.bounded;

import java.time.Duration;

/** Timeouts as messages name them. */
public final class Durations {
  private Durations() {}

  /** {@code 5 s}, or {@code 300 ms} where whole seconds would round it away. */
  public static String text(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
