package io.lxcfsremount.core;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.bounded.AbandonableCalls;
import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.lxcfs.DeadConnections;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsBinds;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.lxcfs.LxcfsNotAnsweringException;
import io.lxcfsremount.core.lxcfs.LxcfsUnavailableException;
import io.lxcfsremount.core.lxcfs.MissingMount;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Attempt;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.core.repair.Shown;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass, as DESIGN.md describes it: locate lxcfs, enumerate the candidate mount
 * namespaces, inspect each one's lxcfs mounts, repair the stale ones, verify. Namespaces are
 * handled in parallel and independently: whatever happens in one never stops the others.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** How long a dead connection may take to say so: at once, in practice. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The longest a pass waits for one container. Its namespace work is bounded on its own (see
   * MountNamespaceThread); this keeps anything else that might sleep (a clone of an lxcfs file
   * wedged mid-pass, say) from holding up the pass and the containers after it.
   */
  public static final Duration CONTAINER_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long a pass's thread waits for the next pass: long enough to carry a recovery's threads
   * over to the full pass that follows it, not to keep an idle agent's.
   */
  private static final Duration THREAD_KEEP_ALIVE = Duration.ofSeconds(2);

  /** What a pass may do. */
  public enum Mode {
    /** Look only: mounts are healthy or stale. */
    STATUS,
    /** Look, and say what a repair would do. */
    DRY_RUN,
    /** Replace every stale mount. */
    REPAIR
  }

  private final ProcFs proc;
  private final LxcfsLocator locator;
  private final CandidateFinder finder;
  private final Rebinder rebinder;
  private final LinuxCalls linux;
  private final int parallelism;
  private final Ticker ticker;
  private final AbandonableCalls probes = new AbandonableCalls("lxcfs-remount-probe", 8);

  private final PassThreads threads;

  /** The generations seen at the lxcfs folder: a mount on one of them that is not live is dead. */
  private final Set<Device> generationsSeen = ConcurrentHashMap.newKeySet();

  /** The namespaces the last pass found holding lxcfs mounts, with their tables as last read. */
  private volatile List<Namespace> known = List.of();

  /**
   * @param containerTimeout the longest a pass waits for one container: {@link #CONTAINER_TIMEOUT}
   */
  public Reconciler(
      ProcFs proc,
      LxcfsLocator locator,
      CandidateFinder finder,
      Rebinder rebinder,
      LinuxCalls linux,
      int parallelism,
      Ticker ticker,
      Duration containerTimeout) {
    this.proc = proc;
    this.locator = locator;
    this.finder = finder;
    this.rebinder = rebinder;
    this.linux = linux;
    this.parallelism = parallelism;
    this.ticker = ticker;
    this.threads = new PassThreads(parallelism, containerTimeout, THREAD_KEEP_ALIVE);
  }

  /**
   * Runs one pass over the containers {@code filter} accepts.
   *
   * @throws LxcfsUnavailableException when no lxcfs is mounted at the folder, or (unless {@code
   *     mode} is STATUS) it is not healthy; {@link LxcfsNotAnsweringException} when it does not
   *     answer at all
   * @throws IOException when the agent's own /proc cannot be read
   */
  public ReconcileReport run(Mode mode, Predicate<Container> filter)
      throws IOException, LxcfsUnavailableException {
    Stopwatch elapsed = Stopwatch.createStarted(ticker);
    Pass pass = begin(mode);
    CandidateFinder.Candidates found = finder.find();
    List<Candidate> candidates =
        found.candidates().stream().filter(c -> filter.test(c.container())).toList();
    List<Inspection> inspections =
        inspect(candidates.stream().map(Namespace::unread).toList(), pass, mode);
    remember(inspections);
    return report(inspections, pass, found.warnings(), elapsed);
  }

  /**
   * Runs one pass over only the namespaces that held lxcfs mounts at the last pass, asking no
   * runtime: after a restart, what was mounted before is mended first, and the runtime's list and
   * inspections come after, in a full pass for anything new. A process that exited, or whose PID
   * now belongs to another namespace, is skipped, as in any pass.
   *
   * <p>With the mount API, each namespace's table is not read again first: the one that pass read
   * names the dead mounts (a restart leaves them where they were), and nothing is acted on unless
   * it still is that mount (its mount ID is checked inside the namespace, and a namespace the
   * pinned process is no longer in is skipped); a mount replaced since fails that check, which may
   * pass, and is tried again from a fresh read. Missing mounts wait for the full pass: only a fresh
   * read can tell nothing is at their target. The classic strategy binds from where the live folder
   * shows in the container, which only a fresh read can tell.
   *
   * @param located lxcfs as its caller located it a moment ago (the watcher, which has just probed
   *     it): not located and probed again on the recovery path. Should it have gone since, each
   *     clone of its files says so (it is not on that generation) and nothing is attached.
   * @throws LxcfsUnavailableException as {@link #run}
   */
  public ReconcileReport runKnown(Mode mode, Lxcfs located) throws LxcfsUnavailableException {
    Stopwatch elapsed = Stopwatch.createStarted(ticker);
    Pass pass = begin(mode, checked(located, mode));
    List<Namespace> namespaces =
        rebinder.preferred().usesMountApi()
            ? known
            : known.stream().map(n -> Namespace.unread(n.candidate())).toList();
    List<Inspection> inspections = inspect(namespaces, pass, mode);
    // Should the full pass that follows fail, the next restart starts from these tables.
    remember(inspections);
    return report(inspections, pass, List.of(), elapsed);
  }

  private void remember(List<Inspection> inspections) {
    known =
        inspections.stream()
            .filter(i -> !i.report().mounts().isEmpty())
            .map(i -> new Namespace(i.report().candidate(), i.table()))
            .toList();
  }

  /** Probes of dead connections given up on that are still stuck in a wedged lxcfs. */
  public int stuckProbes() {
    return probes.stuck();
  }

  /**
   * Starts the threads the next recovery will use, ahead of it: called while lxcfs is away, so that
   * its recovery when it comes back starts none of its pass threads and namespace threads on its
   * own path. Those not used end after a few seconds, as any idle ones do.
   */
  public void readyThreads() {
    int count = Math.min(parallelism, known.size());
    threads.ready(count);
    linux.readyNamespaceThreads(count, THREAD_KEEP_ALIVE);
  }

  /** How many pass threads are alive, busy or idle. */
  int passThreads() {
    return threads.alive();
  }

  /** Whether the last pass found any namespace holding lxcfs mounts. */
  public boolean knowsAny() {
    return !known.isEmpty();
  }

  private Pass begin(Mode mode) throws IOException, LxcfsUnavailableException {
    return begin(mode, locate(mode));
  }

  private Pass begin(Mode mode, Lxcfs lxcfs) {
    generationsSeen.add(lxcfs.generation());
    Set<Device> dead = new HashSet<>(generationsSeen);
    dead.addAll(lxcfs.superseded());
    dead.remove(lxcfs.generation());
    // A generation that was this folder's is no other instance's, even while the lxcfs process's
    // table still shows it elsewhere: a restarted lxcfs container mounts before its start script
    // replaces the host's bind of the dead one.
    return new Pass(
        lxcfs.notOtherInstances(dead), new DeadConnections(linux, probes, PROBE_TIMEOUT, dead));
  }

  private static ReconcileReport report(
      List<Inspection> inspections, Pass pass, List<String> warnings, Stopwatch elapsed) {
    List<ContainerReport> reports = inspections.stream().map(Inspection::report).toList();
    return new ReconcileReport(pass.lxcfs(), reports, warnings, elapsed.elapsed());
  }

  /** The live lxcfs of a pass, and which other connections are dead. */
  private record Pass(Lxcfs lxcfs, DeadConnections dead) {}

  /**
   * A mount namespace to inspect.
   *
   * @param table its lxcfs mounts as the last pass read them, to act on instead of a fresh read;
   *     empty to read them now
   */
  private record Namespace(Candidate candidate, Optional<MountTable> table) {
    static Namespace unread(Candidate candidate) {
      return new Namespace(candidate, Optional.empty());
    }
  }

  /**
   * A container's report, the repairs it is waiting to have verified, the targets whose repair
   * failed for a reason that may pass, and its table as last read.
   *
   * @param report what it holds: every mount but those of {@code unverified}, until step 5
   * @param unverified repairs made whose outcome the container's table has yet to show
   * @param mayPass targets to try once more
   * @param table its lxcfs mounts after the pass's repairs, as verified, or as first read when it
   *     made none; empty when it was not read
   */
  private record Inspection(
      ContainerReport report,
      List<Attempt> unverified,
      Set<String> mayPass,
      Optional<MountTable> table) {
    static Inspection settled(ContainerReport report) {
      return new Inspection(report, List.of(), Set.of(), Optional.empty());
    }

    static Inspection read(ContainerReport report, MountTable table) {
      return new Inspection(report, List.of(), Set.of(), Optional.of(table));
    }
  }

  /**
   * Tries the repairs that failed for a reason that may pass once more, on their own: serially
   * after every other namespace is done (the kernel race they lost was with those), entering the
   * namespace afresh (a new thread, or a worker back home since), from a fresh read of the mount
   * table.
   */
  private ContainerReport retry(Inspection first, Pass pass) {
    Candidate candidate = first.report().candidate();
    log.debug("{} pid {}: retrying {}", candidate.container().name(), candidate.pid(), first);
    ContainerReport again =
        verify(
                reconcile(
                    Namespace.unread(candidate), pass, Mode.REPAIR, first.mayPass()::contains),
                pass.lxcfs())
            .report();
    if (again.failed() != null) {
      return first.report();
    }
    Map<String, MountReport> retried = new LinkedHashMap<>();
    again.mounts().forEach(m -> retried.put(m.target(), m));
    List<MountReport> merged = new ArrayList<>();
    for (MountReport mount : first.report().mounts()) {
      MountReport latest = retried.remove(mount.target());
      if (!first.mayPass().contains(mount.target())) {
        merged.add(mount);
      } else if (latest != null) {
        merged.add(latest);
      } else {
        String why = again.skipped() != null ? again.skipped() : "target gone before the retry";
        merged.add(mount.withState(MountState.SKIPPED, why));
      }
    }
    merged.addAll(retried.values());
    return ContainerReport.of(candidate, merged);
  }

  private Lxcfs locate(Mode mode) throws IOException, LxcfsUnavailableException {
    Optional<Lxcfs> located = locator.locate();
    if (located.isEmpty()) {
      throw new LxcfsUnavailableException(locator.dir() + " is not an lxcfs mount", false);
    }
    return checked(located.get(), mode);
  }

  private Lxcfs checked(Lxcfs located, Mode mode) throws LxcfsUnavailableException {
    if (!located.answering()) {
      // Even a status would read nothing but sleeping mounts: say so instead of guessing.
      throw new LxcfsNotAnsweringException(
          "lxcfs at " + locator.dir() + " is not answering: " + located.problem());
    }
    if (mode != Mode.STATUS && !located.healthy()) {
      throw new LxcfsUnavailableException(
          "lxcfs at " + locator.dir() + " is not healthy: " + located.problem(), true);
    }
    return located;
  }

  /**
   * Steps 3 and 4 for one namespace; only the mounts at the {@code targets} it accepts repaired.
   */
  private Inspection reconcile(
      Namespace namespace, Pass pass, Mode mode, Predicate<String> targets) {
    Candidate candidate = namespace.candidate();
    Lxcfs lxcfs = pass.lxcfs();
    if (candidate.mountNamespace().isEmpty()) {
      return Inspection.settled(ContainerReport.skipped(candidate, "process exited"));
    }
    try (Fd pidfd = linux.pidfdOpen(candidate.pid())) {
      Optional<MountTable> remembered = namespace.table();
      List<Bind> binds =
          remembered.isPresent() ? List.of() : LxcfsBinds.of(candidate.container(), lxcfs);
      MountTable table = remembered.isPresent() ? remembered.get() : lxcfsMounts(candidate, binds);
      // The table is the pinned process's only if that process still runs now, and the namespace
      // it is in, which the repair will enter, only if it is still the one found.
      if (!linux.isAlive(pidfd)) {
        return Inspection.settled(ContainerReport.skipped(candidate, "process exited"));
      }
      if (!proc.mountNamespace(Long.toString(candidate.pid())).equals(candidate.mountNamespace())) {
        return Inspection.settled(
            ContainerReport.skipped(candidate, "process moved to another mount namespace"));
      }
      List<LxcfsMount> mounts =
          LxcfsMount.in(table, lxcfs, m -> pass.dead().isDead(candidate.pid(), m));
      List<LxcfsMount> stale = mounts.stream().filter(LxcfsMount::stale).toList();
      List<MissingMount> missing = LxcfsBinds.missing(binds, table, lxcfs);
      List<MountReport> reports = new ArrayList<>();
      mounts.stream()
          .filter(m -> !m.stale())
          .forEach(m -> reports.add(report(m, MountState.HEALTHY)));
      switch (mode) {
        case STATUS -> {
          stale.forEach(m -> reports.add(report(m, MountState.STALE)));
          missing.forEach(m -> reports.add(report(m, MountState.MISSING)));
        }
        case DRY_RUN -> {
          stale.forEach(m -> reports.add(report(m, MountState.WOULD_REPAIR)));
          missing.forEach(m -> reports.add(report(m, MountState.MISSING)));
        }
        case REPAIR -> {
          List<LxcfsMount> chosen = stale.stream().filter(m -> targets.test(m.target())).toList();
          List<MissingMount> absent =
              missing.stream().filter(m -> targets.test(m.target())).toList();
          if (!chosen.isEmpty() || !absent.isEmpty()) {
            List<Attempt> attempts = rebinder.repair(pidfd, table, chosen, absent, lxcfs);
            return new Inspection(
                ContainerReport.of(candidate, reports), attempts, Set.of(), Optional.empty());
          }
        }
      }
      return Inspection.read(ContainerReport.of(candidate, reports), table);
    } catch (LinuxException e) {
      return Inspection.settled(
          e.errno() == Errnos.ESRCH
              ? ContainerReport.skipped(candidate, "process exited")
              : ContainerReport.failed(candidate, e.getMessage()));
    } catch (NoSuchFileException e) {
      return Inspection.settled(ContainerReport.skipped(candidate, "process exited"));
    } catch (IOException | RuntimeException e) {
      log.warn("cannot inspect {} (pid {})", candidate.container().name(), candidate.pid(), e);
      return Inspection.settled(ContainerReport.failed(candidate, String.valueOf(e.getMessage())));
    }
  }

  /**
   * Step 3's read: the lxcfs mounts of the namespace, and whatever is mounted at the binds'
   * targets.
   */
  private MountTable lxcfsMounts(Candidate candidate, List<Bind> binds) throws IOException {
    return MountTable.read(
        proc.mountinfo(candidate.pid()),
        Lxcfs.MOUNTS.alsoAt(binds.stream().map(Bind::target).collect(Collectors.toSet())));
  }

  private static MountReport report(MissingMount mount, MountState state) {
    return new MountReport(
        mount.target(),
        mount.file(),
        mount.readOnly(),
        state,
        null,
        "should have lxcfs's "
            + mount.file()
            + " here (its runtime spec or its pod's webhook record says so); none is mounted");
  }

  private MountReport report(LxcfsMount mount, MountState state) {
    return new MountReport(
        mount.target(),
        mount.file(),
        mount.flags().readOnly(),
        state,
        state == MountState.WOULD_REPAIR ? rebinder.preferred() : null,
        null);
  }

  /**
   * Step 5: a repair counts only if the container's table now shows the live lxcfs on top. One that
   * does not may have lost a race with another namespace's repair: it is worth one more try.
   */
  private Inspection verify(Inspection inspection, Lxcfs lxcfs) {
    if (inspection.unverified().isEmpty()) {
      return inspection;
    }
    Candidate candidate = inspection.report().candidate();
    try {
      Optional<MountTable> after = readAfter(candidate, inspection.unverified());
      List<MountReport> reports = new ArrayList<>(inspection.report().mounts());
      Set<String> again = new HashSet<>();
      for (Attempt attempt : inspection.unverified()) {
        Optional<Shown> shown = after.map(table -> shownAt(table, attempt.target(), lxcfs));
        reports.add(attempt.report(shown));
        if (attempt.mayPass(shown)) {
          again.add(attempt.target());
        }
      }
      return new Inspection(ContainerReport.of(candidate, reports), List.of(), again, after);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot verify {} (pid {})", candidate.container().name(), candidate.pid(), e);
      return Inspection.settled(ContainerReport.failed(candidate, String.valueOf(e.getMessage())));
    }
  }

  /**
   * Step 5's read: the container's lxcfs mounts after its repairs; empty when none of its attempts
   * needs it, or the process has exited since.
   */
  private Optional<MountTable> readAfter(Candidate candidate, List<Attempt> attempts)
      throws IOException {
    if (attempts.stream().noneMatch(Attempt::needsTheTable)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MountTable.read(proc.mountinfo(candidate.pid()), Lxcfs.MOUNTS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** What {@code table} shows at {@code target}: the live lxcfs on top, or what instead. */
  private static Shown shownAt(MountTable table, String target, Lxcfs lxcfs) {
    Optional<MountInfo> top = table.topAt(target);
    boolean live =
        top.isPresent()
            && top.get().fsType().equals(Lxcfs.FS_TYPE)
            && top.get().device().equals(lxcfs.generation());
    return live
        ? Shown.LIVE
        : new Shown(top.map(m -> m.fsType() + " " + m.device()).orElse("gone"));
  }

  /**
   * Steps 3 and 4 for every namespace, then step 5 for every namespace, then the retries of what
   * may pass. Verifying only once every repair is made keeps the reads of mount tables from
   * contending with the other workers' mount calls for the kernel's namespace lock: mixed, each
   * slows the other down.
   */
  private List<Inspection> inspect(List<Namespace> namespaces, Pass pass, Mode mode) {
    List<Inspection> inspected =
        threads.map(
            namespaces,
            n -> reconcile(n, pass, mode, target -> true),
            (n, why) -> failed(n.candidate(), why));
    // Only the namespaces that made repairs have anything to verify; the others are done already.
    Iterator<Inspection> verified =
        threads
            .map(
                inspected.stream().filter(i -> !i.unverified().isEmpty()).toList(),
                i -> verify(i, pass.lxcfs()),
                (i, why) -> failed(i.report().candidate(), why))
            .iterator();
    List<Inspection> settled = new ArrayList<>();
    for (Inspection made : inspected) {
      Inspection inspection = made.unverified().isEmpty() ? made : verified.next();
      Inspection last =
          inspection.mayPass().isEmpty() ? inspection : Inspection.settled(retry(inspection, pass));
      Candidate candidate = last.report().candidate();
      log.debug("{} pid {}: {}", candidate.container().name(), candidate.pid(), last.report());
      settled.add(last);
    }
    return settled;
  }

  private static Inspection failed(Candidate candidate, String why) {
    return Inspection.settled(ContainerReport.failed(candidate, why));
  }
}
