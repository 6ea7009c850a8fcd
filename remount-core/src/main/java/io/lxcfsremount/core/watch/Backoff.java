package io.lxcfsremount.core.watch;

import java.time.Duration;

/** Waits that double from {@code first} up to {@code max}, back to {@code first} on reset. */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private Duration next;

  Backoff(Duration first, Duration max) {
    this.first = first;
    this.max = max;
    this.next = first;
  }

  Duration next() {
    Duration current = next;
    next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
    return current;
  }

  void reset() {
    next = first;
  }
}
