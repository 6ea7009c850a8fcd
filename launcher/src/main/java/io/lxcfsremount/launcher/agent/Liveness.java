package io.lxcfsremount.launcher.agent;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Duration;
import java.util.Optional;

/**
 * Alive means: the watch loop is asleep, or has been awake for less than {@link #STUCK}. Every wait
 * of a pass is bounded; a loop awake for longer is stuck where no bound reaches, and a liveness
 * probe that restarts the agent is the only way out.
 */
public final class Liveness implements WatchListener {
  /** Far beyond the longest pass the bounds allow (runtime calls, namespace threads, probes). */
  static final Duration STUCK = Duration.ofMinutes(2);

  private static final long ASLEEP = Long.MIN_VALUE;

  private final Ticker ticker;
  private volatile long awakeSince = ASLEEP;

  public Liveness(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public void woke() {
    awakeSince = ticker.read();
  }

  @Override
  public void asleep() {
    awakeSince = ASLEEP;
  }

  /** Why the agent counts as stuck, or empty while it is alive. */
  Optional<String> whyNotLive() {
    long since = awakeSince;
    if (since == ASLEEP) {
      return Optional.empty();
    }
    Duration awake = Duration.ofNanos(ticker.read() - since);
    return awake.compareTo(STUCK) < 0
        ? Optional.empty()
        : Optional.of(
            "the watch loop has been busy for " + awake.toSeconds() + " s: stuck in a pass");
  }
}
