package io.lxcfsremount.launcher.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on a clock: it holds {@code capacity} tokens at most and gains one every {@code
 * refill}. Guava's RateLimiter reads the system's ticker and bursts one second's worth at most;
 * this one bursts {@code capacity}, and follows the clock it is given, which a test can move.
 */
final class TokenBucket {
  private final int capacity;
  private final long refillNanos;
  private final Clock clock;
  private double tokens;
  private Instant updated;

  TokenBucket(int capacity, Duration refill, Clock clock) {
    this.capacity = capacity;
    this.refillNanos = refill.toNanos();
    this.clock = clock;
    this.tokens = capacity;
    this.updated = clock.instant();
  }

  /** Takes a token if there is one. */
  synchronized boolean tryTake() {
    refill();
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  synchronized boolean hasToken() {
    refill();
    return tokens >= 1;
  }

  /** How long until the next token: zero when there is one now. */
  synchronized Duration untilNext() {
    refill();
    return tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) ((1 - tokens) * refillNanos));
  }

  private void refill() {
    Instant now = clock.instant();
    if (now.isAfter(updated)) {
      tokens =
          Math.min(
              capacity, tokens + (double) Duration.between(updated, now).toNanos() / refillNanos);
      updated = now;
    }
  }
}
