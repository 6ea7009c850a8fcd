package io.lxcfsremount.core.lxcfs;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.linux.MountTableEvents;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits for a healthy lxcfs at the folder: woken by changes of the agent's mount table (a new lxcfs
 * mounting), and re-checking now and then in case one that is mounted becomes healthy.
 */
public final class LxcfsWaiter {
  private static final Duration RECHECK = Duration.ofMillis(250);

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
    try (MountTableEvents events = MountTableEvents.open(proc.selfMountinfo().toString())) {
      while (true) {
        Optional<Lxcfs> lxcfs = locator.locate().filter(Lxcfs::healthy);
        Duration left = timeout.minus(waited.elapsed());
        if (lxcfs.isPresent() || left.isNegative() || left.isZero()) {
          return lxcfs;
        }
        events.await(left.compareTo(RECHECK) < 0 ? left : RECHECK);
      }
    }
  }
}
