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
 * lxcfs mounting), then re-checking every 5 ms while the mounted lxcfs is still starting.
 */
public final class LxcfsWaiter {
  private static final Duration RECHECK = Duration.ofMillis(5);

  private final ProcFs proc;
  private final LxcfsLocator locator;
  private final Ticker ticker;

  public LxcfsWaiter(ProcFs proc, LxcfsLocator locator, Ticker ticker) {
    this.proc = proc;
    this.locator = locator;
    this.ticker = ticker;
  }

  /** The healthy lxcfs, as soon as there is one, or empty once {@code timeout} has passed. */
  public Optional<Lxcfs> awaitHealthy(Duration timeout) throws IOException {
    Stopwatch waited = Stopwatch.createStarted(ticker);
    try (WatchEvents events = WatchEvents.open(proc.selfMountinfo().toString())) {
      while (true) {
        Optional<Lxcfs> lxcfs = locator.locate();
        Duration left = timeout.minus(waited.elapsed());
        if (lxcfs.filter(Lxcfs::healthy).isPresent() || left.isNegative() || left.isZero()) {
          return lxcfs.filter(Lxcfs::healthy);
        }
        Duration wait = lxcfs.isPresent() ? RECHECK : left;
        events.await(wait.compareTo(left) < 0 ? wait : left);
      }
    }
  }
}
