package io.lxcfsremount.core.lxcfs;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.linux.WatchEvents;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits for a healthy lxcfs at the folder: asleep until the agent's mount table changes (a new
 * lxcfs mounting) or for 200 ms (an lxcfs mounting in a mount namespace of its own changes no table
 * of the agent's), then re-checking every 5 ms while the mounted lxcfs is still starting, and every
 * 100 ms while it does not answer at all. No probe outlasts the wait.
 */
public final class LxcfsWaiter {
  private static final Duration RECHECK = Duration.ofMillis(5);
  private static final Duration RECHECK_NOT_ANSWERING = Duration.ofMillis(100);
  private static final Duration RECHECK_ABSENT = Duration.ofMillis(200);

  private final ProcFs proc;
  private final LxcfsLocator locator;
  private final Ticker ticker;

  public LxcfsWaiter(ProcFs proc, LxcfsLocator locator, Ticker ticker) {
    this.proc = proc;
    this.locator = locator;
    this.ticker = ticker;
  }

  /**
   * The healthy lxcfs as soon as there is one; once {@code timeout} has passed, the lxcfs last seen
   * (dead or not answering), or empty when none is mounted.
   */
  public Optional<Lxcfs> awaitHealthy(Duration timeout) throws IOException {
    Stopwatch waited = Stopwatch.createStarted(ticker);
    try (WatchEvents events = WatchEvents.open(proc.selfMountinfo().toString())) {
      while (true) {
        Optional<Lxcfs> lxcfs = locator.locate(min(locator.timeout(), left(timeout, waited)));
        Duration left = left(timeout, waited);
        if (lxcfs.filter(Lxcfs::healthy).isPresent() || left.isZero()) {
          return lxcfs;
        }
        Duration wait =
            lxcfs.isEmpty()
                ? RECHECK_ABSENT
                : lxcfs.get().answering() ? RECHECK : RECHECK_NOT_ANSWERING;
        events.await(min(wait, left));
      }
    }
  }

  private Duration left(Duration timeout, Stopwatch waited) {
    Duration left = timeout.minus(waited.elapsed());
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
