package io.lxcfsremount.core;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass, as DESIGN.md describes it: locate lxcfs, enumerate the candidate mount
 * namespaces, inspect each one's lxcfs mounts, repair the stale ones, verify. Namespaces are
 * handled in parallel and independently: whatever happens in one never stops the others.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final int ESRCH = 3;

  /**
   * The longest a pass waits for one container. Its namespace work is bounded on its own (see
   * MountNamespaceThread); this keeps anything else that might sleep (a clone of an lxcfs file
   * wedged mid-pass, say) from holding up the pass and the containers after it.
   */
  private static final Duration CONTAINER_TIMEOUT = Duration.ofSeconds(30);

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
  private final int parallelism;
  private final Ticker ticker;

  public Reconciler(
      ProcFs proc,
      LxcfsLocator locator,
      CandidateFinder finder,
      Rebinder rebinder,
      int parallelism,
      Ticker ticker) {
    this.proc = proc;
    this.locator = locator;
    this.finder = finder;
    this.rebinder = rebinder;
    this.parallelism = parallelism;
    this.ticker = ticker;
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
    Lxcfs lxcfs = locate(mode);
    CandidateFinder.Candidates found = finder.find();
    List<Candidate> candidates =
        found.candidates().stream().filter(c -> filter.test(c.container())).toList();
    List<ContainerReport> reports = inParallel(candidates, c -> reconcile(c, lxcfs, mode));
    return new ReconcileReport(lxcfs, reports, found.warnings(), elapsed.elapsed());
  }

  private Lxcfs locate(Mode mode) throws IOException, LxcfsUnavailableException {
    Optional<Lxcfs> located = locator.locate();
    if (located.isEmpty()) {
      throw new LxcfsUnavailableException(locator.dir() + " is not an lxcfs mount", false);
    }
    if (!located.get().answering()) {
      // Even a status would read nothing but sleeping mounts: say so instead of guessing.
      throw new LxcfsNotAnsweringException(
          "lxcfs at " + locator.dir() + " is not answering: " + located.get().problem());
    }
    if (mode != Mode.STATUS && !located.get().healthy()) {
      throw new LxcfsUnavailableException(
          "lxcfs at " + locator.dir() + " is not healthy: " + located.get().problem(), true);
    }
    return located.get();
  }

  private ContainerReport reconcile(Candidate candidate, Lxcfs lxcfs, Mode mode) {
    if (candidate.mountNamespace() == 0) {
      return ContainerReport.skipped(candidate, "process exited");
    }
    try (Fd pidfd = Linux.pidfdOpen(candidate.pid())) {
      MountTable table = MountTable.read(proc.mountinfo(candidate.pid()), Lxcfs.FS_TYPE);
      // The table is the pinned process's only if that process still runs now.
      if (!Linux.isAlive(pidfd)) {
        return ContainerReport.skipped(candidate, "process exited");
      }
      List<LxcfsMount> mounts = LxcfsMount.in(table, lxcfs);
      List<LxcfsMount> stale = mounts.stream().filter(LxcfsMount::stale).toList();
      List<MountReport> reports = new ArrayList<>();
      mounts.stream()
          .filter(m -> !m.stale())
          .forEach(m -> reports.add(report(m, MountState.HEALTHY)));
      switch (mode) {
        case STATUS -> stale.forEach(m -> reports.add(report(m, MountState.STALE)));
        case DRY_RUN -> stale.forEach(m -> reports.add(report(m, MountState.WOULD_REPAIR)));
        case REPAIR -> {
          if (!stale.isEmpty()) {
            reports.addAll(verify(candidate, lxcfs, rebinder.repair(pidfd, table, stale, lxcfs)));
          }
        }
      }
      log.debug("{} pid {}: {}", candidate.container().name(), candidate.pid(), reports);
      return ContainerReport.of(candidate, reports);
    } catch (LinuxException e) {
      return e.errno() == ESRCH
          ? ContainerReport.skipped(candidate, "process exited")
          : ContainerReport.failed(candidate, e.getMessage());
    } catch (NoSuchFileException e) {
      return ContainerReport.skipped(candidate, "process exited");
    } catch (IOException | RuntimeException e) {
      log.warn("cannot inspect {} (pid {})", candidate.container().name(), candidate.pid(), e);
      return ContainerReport.failed(candidate, String.valueOf(e.getMessage()));
    }
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

  /** Step 5: a repair counts only if the container's table now shows the live lxcfs on top. */
  private List<MountReport> verify(Candidate candidate, Lxcfs lxcfs, List<MountReport> repaired)
      throws IOException {
    if (repaired.stream().noneMatch(r -> r.state() == MountState.REPAIRED)) {
      return repaired;
    }
    MountTable after;
    try {
      after = MountTable.read(proc.mountinfo(candidate.pid()), Lxcfs.FS_TYPE);
    } catch (NoSuchFileException e) {
      return repaired;
    }
    List<MountReport> verified = new ArrayList<>();
    for (MountReport report : repaired) {
      Optional<MountInfo> top = after.topAt(report.target());
      boolean live =
          top.isPresent()
              && top.get().fsType().equals(Lxcfs.FS_TYPE)
              && top.get().device().equals(lxcfs.generation());
      verified.add(
          report.state() != MountState.REPAIRED || live
              ? report
              : report.withState(
                  MountState.FAILED,
                  "verify: top mount at "
                      + report.target()
                      + " is "
                      + top.map(m -> m.fsType() + " " + m.device()).orElse("gone")));
    }
    return verified;
  }

  private List<ContainerReport> inParallel(
      List<Candidate> candidates, Function<Candidate, ContainerReport> work) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    int threads = Math.min(parallelism, candidates.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    // As long as waves of containers that each took the whole timeout would take, then no longer.
    long waves = (candidates.size() + threads - 1) / threads;
    long deadline = System.nanoTime() + CONTAINER_TIMEOUT.multipliedBy(waves).toNanos();
    try {
      List<Future<ContainerReport>> futures = new ArrayList<>();
      for (Candidate candidate : candidates) {
        futures.add(pool.submit(() -> work.apply(candidate)));
      }
      List<ContainerReport> reports = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        reports.add(await(futures.get(i), candidates.get(i), deadline));
      }
      return reports;
    } finally {
      pool.shutdownNow();
    }
  }

  private static ContainerReport await(
      Future<ContainerReport> future, Candidate candidate, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return ContainerReport.failed(
          candidate,
          "timed out: no result within "
              + CONTAINER_TIMEOUT.toSeconds()
              + " s per container (something in it does not answer)");
    } catch (ExecutionException e) {
      return ContainerReport.failed(candidate, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ContainerReport.failed(candidate, "interrupted");
    }
  }
}
