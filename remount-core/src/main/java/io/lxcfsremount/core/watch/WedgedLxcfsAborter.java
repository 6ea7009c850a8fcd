package io.lxcfsremount.core.watch;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.linux.FuseConnections;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code watch --abort-wedged AFTER}: aborts the FUSE connection of an lxcfs that has not answered
 * for AFTER, once per connection, so that every process reading its files (in every container) gets
 * an error instead of sleeping for as long as it stays wedged. Off unless asked for: it ends that
 * lxcfs for good, which its supervisor then has to notice and restart.
 */
public final class WedgedLxcfsAborter {
  private static final Logger log = LoggerFactory.getLogger(WedgedLxcfsAborter.class);

  private final Duration after;
  private final FuseConnections connections;
  private final Ticker ticker;
  private Device wedged;
  private Stopwatch since;
  private boolean aborted;

  private WedgedLxcfsAborter(Duration after, FuseConnections connections, Ticker ticker) {
    this.after = after;
    this.connections = connections;
    this.ticker = ticker;
  }

  /** Never aborts anything (the default). */
  public static WedgedLxcfsAborter never() {
    return new WedgedLxcfsAborter(null, null, Ticker.systemTicker());
  }

  /** Aborts through fusectl at {@code /sys/fs/fuse/connections} after {@code after}. */
  public static WedgedLxcfsAborter after(Duration after, Ticker ticker) {
    return new WedgedLxcfsAborter(
        after, new FuseConnections(Path.of("/sys/fs/fuse/connections")), ticker);
  }

  /** lxcfs answered (or is gone): whatever was wedged is over. */
  void answered() {
    wedged = null;
  }

  /** {@code lxcfs} did not answer its probe; aborts its connection once it has not for long. */
  void notAnswering(Lxcfs lxcfs) {
    if (!lxcfs.generation().equals(wedged)) {
      wedged = lxcfs.generation();
      since = Stopwatch.createStarted(ticker);
      aborted = false;
    }
    if (after == null || aborted || since.elapsed().compareTo(after) < 0) {
      return;
    }
    aborted = true;
    try {
      log.warn(
          "lxcfs at {} has not answered for {} s: aborted its FUSE connection ({})",
          lxcfs.dir(),
          since.elapsed().toSeconds(),
          connections.abort(lxcfs.generation()));
    } catch (IOException e) {
      log.warn(
          "lxcfs at {} has not answered for {} s, and its FUSE connection cannot be aborted: {}",
          lxcfs.dir(),
          since.elapsed().toSeconds(),
          e.getMessage());
    }
  }
}
