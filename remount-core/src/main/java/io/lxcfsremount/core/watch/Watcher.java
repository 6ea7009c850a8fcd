package io.lxcfsremount.core.watch;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.WatchEvents;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsUnavailableException;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Container;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's loop. It sleeps in poll() until the mount table lxcfs was found in changes (the
 * lxcfs process's, or the agent's own), the lxcfs process exits, the periodic resync is due, or it
 * is stopped. On each wake it locates lxcfs again; a healthy lxcfs of a generation not yet repaired
 * gets a repair pass at once (the first wake after start-up catches up on restarts missed while the
 * agent was down). A burst of events while a pass runs is reported by poll() as one, so bursts
 * coalesce without delaying the first repair, and a pass never starts on an lxcfs that does not
 * answer. A pass that leaves dead or skipped mounts is retried with a growing wait, up to the
 * resync period. While lxcfs is up it is probed every 2 s (each probe bounded): a wedged lxcfs
 * changes no mount table and exits no process. While it is away, for at most a minute, the threads
 * its recovery will use are kept started.
 */
public final class Watcher {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** How long a mounted lxcfs may take to answer before it counts as dead rather than starting. */
  private static final Duration STARTING = Duration.ofSeconds(5);

  private static final Duration RECHECK_STARTING = Duration.ofMillis(5);
  private static final Duration RECHECK_DEAD = Duration.ofSeconds(1);

  /**
   * How often to look for an lxcfs that is not mounted: a new lxcfs process, in a mount namespace
   * the agent does not watch yet, changes no table it watches.
   */
  private static final Duration RECHECK_ABSENT = Duration.ofSeconds(1);

  /**
   * How long after lxcfs went away its recovery's threads are kept started: a restart (systemd's, a
   * DaemonSet pod's) brings it back within seconds; an lxcfs gone longer is not restarting, and an
   * agent that waits for it keeps no idle threads.
   */
  private static final Duration READY_FOR = Duration.ofMinutes(1);

  /** How often an lxcfs that is up is probed again, to notice it wedging. */
  private static final Duration RECHECK_HEALTHY = Duration.ofSeconds(2);

  private final Reconciler reconciler;
  private final Predicate<Container> filter;
  private final LxcfsLocator locator;
  private final ProcFs proc;
  private final LinuxCalls linux;
  private final WatchEvents events;
  private final WatchListener listener;
  private final Duration resync;
  private final Ticker ticker;
  private final WedgedLxcfsAborter aborter;
  private volatile boolean stopped;

  private final Backoff retry = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

  /** The answering lxcfs last seen, and the one the last pass repaired against. */
  private Instance seen;

  private Instance repaired;

  /** lxcfs was seen gone, not answering or exited since {@link #seen}: the next one is new. */
  private boolean lost;

  /** The generations of older lxcfs processes last seen still serving the folder. */
  private Set<Device> replaced = Set.of();

  /** The lxcfs last seen did not answer its probe (said once, at warn). */
  private boolean wedged;

  private Stopwatch sinceSeen;
  private Stopwatch sinceLastPass;
  private Duration passInterval;
  private Stopwatch unhealthySince;
  private Stopwatch awaySince;

  /**
   * @param filter the containers to repair (all, unless the command line names some)
   */
  public Watcher(
      Reconciler reconciler,
      Predicate<Container> filter,
      LxcfsLocator locator,
      ProcFs proc,
      LinuxCalls linux,
      WatchEvents events,
      WatchListener listener,
      Duration resync,
      WedgedLxcfsAborter aborter,
      Ticker ticker) {
    this.reconciler = reconciler;
    this.filter = filter;
    this.locator = locator;
    this.proc = proc;
    this.linux = linux;
    this.events = events;
    this.listener = listener;
    this.resync = resync;
    this.ticker = ticker;
    this.aborter = aborter;
    this.passInterval = resync;
  }

  /** Runs until {@link #stop()}. */
  public void run() throws LinuxException {
    while (!stopped) {
      listener.woke();
      Duration sleep = step();
      listener.asleep();
      if (stopped) {
        break;
      }
      Set<WatchEvents.Event> woken = events.await(sleep);
      log.debug("woken by {}", woken.isEmpty() ? "timeout" : woken);
      lost |= woken.contains(WatchEvents.Event.PROCESS_EXITED);
    }
  }

  /** Ends {@link #run()} promptly, from any thread. */
  public void stop() {
    stopped = true;
    events.wakeUp();
  }

  /** One wake-up: look at lxcfs, repair if due; returns how long to sleep. */
  private Duration step() {
    Optional<Lxcfs> lxcfs;
    try {
      lxcfs = locator.locate();
    } catch (IOException e) {
      listener.passFailed(e);
      return RETRY;
    }
    listener.lxcfsObserved(lxcfs);
    if (lxcfs.isEmpty()) {
      away();
      wedged = false;
      aborter.answered();
      return min(RECHECK_ABSENT, resync);
    }
    if (!lxcfs.get().answering()) {
      // Wedged: its probes sleep in the kernel until it answers, is killed, or is aborted.
      if (!wedged) {
        log.warn("lxcfs at {} is not answering: {}", locator.dir(), lxcfs.get().problem());
        wedged = true;
      }
      away();
      unhealthySince = null;
      aborter.notAnswering(lxcfs.get());
      return RECHECK_DEAD;
    }
    wedged = false;
    aborter.answered();
    if (!lxcfs.get().healthy()) {
      away();
      // Mounted but its probe fails: starting up (its files appear a moment after its mount), or
      // dead until someone unmounts it. Neither changes the mount table: look again soon, and
      // less often once it has stayed that way for a while.
      if (unhealthySince == null) {
        unhealthySince = Stopwatch.createStarted(ticker);
      }
      return unhealthySince.elapsed().compareTo(STARTING) < 0 ? RECHECK_STARTING : RECHECK_DEAD;
    }
    unhealthySince = null;
    awaySince = null;
    Instance now = Instance.of(lxcfs.get());
    if (!now.equals(seen) || lost) {
      Device before = seen == null ? null : seen.generation();
      log.info(
          "lxcfs at {} is up, generation {}{}",
          locator.dir(),
          now.generation(),
          before == null ? "" : " (was " + before + ")");
      listener.generationChanged(before, now.generation());
      seen = now;
      lost = false;
      sinceSeen = Stopwatch.createStarted(ticker);
      // Device numbers (and, before kernel 6.8, mount IDs) of an lxcfs that is gone may be given
      // to the next: a restart is a restart even if the numbers look the same.
      repaired = null;
      watchProcessOf(lxcfs.get());
    }
    boolean newInstance = !now.equals(repaired);
    boolean replacing = replacing(lxcfs.get().superseded());
    if (newInstance
        || sinceLastPass.elapsed().compareTo(passInterval) >= 0
        || replacing && sinceLastPass.elapsed().compareTo(RECHECK_HEALTHY) >= 0) {
      pass(now, lxcfs.get(), newInstance);
    }
    return min(passInterval.minus(sinceLastPass.elapsed()), RECHECK_HEALTHY);
  }

  /**
   * lxcfs is gone, not answering or not healthy: the next one to answer is new. Meanwhile, for a
   * while, the threads of its recovery are kept started.
   */
  private void away() {
    lost = true;
    if (awaySince == null) {
      awaySince = Stopwatch.createStarted(ticker);
    }
    if (awaySince.elapsed().compareTo(READY_FOR) < 0) {
      reconciler.readyThreads();
    }
  }

  /**
   * Whether older lxcfs processes still serve the folder (a rolling update, until the old pod
   * stops), said once per change. Meanwhile a pass runs at every probe: a container created from
   * the old lxcfs just before the new one took over the host's folder is moved too, before the old
   * lxcfs exits.
   */
  private boolean replacing(Set<Device> superseded) {
    if (!superseded.equals(replaced)) {
      if (!superseded.isEmpty()) {
        log.info(
            "lxcfs at {}: older lxcfs still running, moving its containers off generation {}",
            locator.dir(),
            superseded);
      }
      replaced = superseded;
    }
    return !superseded.isEmpty();
  }

  /**
   * @param located lxcfs as this wake found it, healthy: the known namespaces are mended against it
   *     at once, without locating and probing it again
   */
  private void pass(Instance lxcfs, Lxcfs located, boolean newInstance) {
    try {
      // A recovery is a restart seen and mended; the catch-up pass at start-up is not one.
      boolean recovering = newInstance && sinceLastPass != null;
      boolean recovered = false;
      if (recovering && reconciler.knowsAny()) {
        // The namespaces that held lxcfs mounts are mended before any runtime is asked.
        ReconcileReport known = reconciler.runKnown(Reconciler.Mode.REPAIR, located);
        Duration took = sinceSeen.elapsed();
        recovered = known.summary().nothingDead();
        listener.passCompleted(known, recovered ? took : null);
      }
      ReconcileReport report = reconciler.run(Reconciler.Mode.REPAIR, filter);
      repaired = lxcfs;
      listener.passCompleted(report, recovering && !recovered ? sinceSeen.elapsed() : null);
      if (report.summary().settled()) {
        retry.reset();
        passInterval = resync;
      } else {
        passInterval = min(retry.next(), resync);
      }
    } catch (LxcfsUnavailableException e) {
      // It went away between the look and the pass: the mount-table change will wake us.
      log.info("lxcfs went away before the pass: {}", e.getMessage());
      lost = true;
      passInterval = resync;
    } catch (IOException | RuntimeException e) {
      listener.passFailed(e);
      passInterval = min(retry.next(), resync);
    }
    sinceLastPass = Stopwatch.createStarted(ticker);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** One start of lxcfs: its device number and the ID of its mount. */
  private record Instance(Device generation, long mountId) {
    static Instance of(Lxcfs lxcfs) {
      return new Instance(lxcfs.generation(), lxcfs.mountId());
    }
  }

  private void watchProcessOf(Lxcfs lxcfs) {
    try {
      // The locator has just found and pinned that process: no second scan of /proc.
      OptionalLong pid =
          lxcfs.inProcessNamespace() ? OptionalLong.of(lxcfs.pid()) : locator.servingPid();
      events.watchMounts(
          (lxcfs.inProcessNamespace() ? proc.mountinfo(lxcfs.pid()) : proc.selfMountinfo())
              .toString());
      events.watchProcess(pid.isPresent() ? linux.pidfdOpen(pid.getAsLong()) : null);
      log.debug("watching lxcfs process {}", pid.isPresent() ? pid.getAsLong() : "(not found)");
    } catch (IOException e) {
      log.debug("cannot watch the lxcfs process: {}", e.getMessage());
      events.watchProcess(null);
    }
  }
}
