package io.lxcfsremount.core.watch;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.ReconcileReport;
import java.time.Duration;
import java.util.Optional;

/**
 * Told what the watcher sees and does: the places operators look (logs, metrics, health, Kubernetes
 * Events) listen here. Called on the watcher's thread; must not block for long or throw.
 */
public interface WatchListener {

  /** The loop woke up: it looks at lxcfs, and repairs if due, before {@link #asleep()}. */
  default void woke() {}

  /** The loop is done with what it woke for and goes back to sleep. */
  default void asleep() {}

  /** lxcfs as found on a wake-up: absent (not mounted), not answering, unhealthy or healthy. */
  default void lxcfsObserved(Optional<Lxcfs> lxcfs) {}

  /** A new lxcfs generation is mounted and healthy ({@code from} is null at start-up). */
  default void generationChanged(Device from, Device to) {}

  /**
   * A repair pass ended.
   *
   * @param recovery from the new generation first seen to this pass's end, or null when the pass
   *     was a periodic resync
   */
  default void passCompleted(ReconcileReport report, Duration recovery) {}

  /** A pass could not run at all (the agent's own /proc could not be read, say). */
  default void passFailed(Exception cause) {}
}
