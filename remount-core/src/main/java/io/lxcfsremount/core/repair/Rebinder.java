package io.lxcfsremount.core.repair;

import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.lxcfs.MissingMount;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Step 4 of the reconcile pass: replaces the stale lxcfs mounts of one mount namespace. Everything
 * that can fail without touching the container (cloning the live lxcfs file, finding a classic
 * source) happens first, in the namespace lxcfs was found in (the agent's own, or the lxcfs
 * process's); then one namespace thread does the swaps.
 */
public final class Rebinder {
  /**
   * Failures that may pass: ENOENT (the kernel's race of MOVE_MOUNT_BENEATH under concurrency, a
   * target that moved), ESTALE (the mount read was replaced since: the next read tells by what).
   */
  private static final Set<Integer> MAY_PASS = Set.of(Errnos.ENOENT, Errnos.ESTALE);

  private final Strategy preferred;
  private final LinuxCalls linux;

  /**
   * @param preferred the best strategy the kernel allows, or the one forced by configuration
   */
  public Rebinder(Strategy preferred, LinuxCalls linux) {
    this.preferred = preferred;
    this.linux = linux;
  }

  public Strategy preferred() {
    return preferred;
  }

  /**
   * The reports of one namespace's repairs, not verified yet: a REPAIRED mount is one whose calls
   * succeeded.
   *
   * @param mayPass the targets whose repair failed for a reason that may pass (the kernel's ENOENT
   *     race of MOVE_MOUNT_BENEATH under concurrency, a target that moved): worth one more try
   */
  public record Repairs(List<MountReport> reports, Set<String> mayPass) {
    public Repairs {
      reports = List.copyOf(reports);
      mayPass = Set.copyOf(mayPass);
    }
  }

  /**
   * Repairs {@code stale} and attaches {@code missing} in the namespace of the process behind
   * {@code pidfd}, whose mount table is {@code table}.
   */
  public Repairs repair(
      Fd pidfd, MountTable table, List<LxcfsMount> stale, List<MissingMount> missing, Lxcfs lxcfs) {
    List<MountReport> reports = new ArrayList<>();
    Set<String> mayPass = new HashSet<>();
    List<NamespaceRebind> jobs = new ArrayList<>();
    List<Integer> jobIndex = new ArrayList<>();
    Fd lxcfsProcess = null;
    try {
      if (lxcfs.inProcessNamespace() && preferred.usesMountApi()) {
        lxcfsProcess = pinned(lxcfs);
      }
      List<Wanted> wanted = new ArrayList<>();
      stale.forEach(m -> wanted.add(Wanted.of(m)));
      missing.forEach(m -> wanted.add(Wanted.of(m)));
      for (Wanted mount : wanted) {
        Planned planned = plan(mount, table, lxcfs, lxcfsProcess);
        reports.add(planned.report());
        if (planned.job() != null) {
          jobs.add(planned.job());
          jobIndex.add(reports.size() - 1);
        }
      }
      if (!jobs.isEmpty()) {
        List<RebindOutcome> outcomes = linux.inNamespace(pidfd, jobs);
        boolean alive = isAlive(pidfd);
        for (int i = 0; i < outcomes.size(); i++) {
          int index = jobIndex.get(i);
          RebindOutcome outcome = outcomes.get(i);
          reports.set(index, settle(reports.get(index), outcome, alive, lxcfs));
          if (alive && !outcome.done() && MAY_PASS.contains(outcome.errno())) {
            mayPass.add(reports.get(index).target());
          }
        }
      }
    } finally {
      jobs.stream().filter(job -> job.tree() != null).forEach(job -> job.tree().close());
      if (lxcfsProcess != null) {
        lxcfsProcess.close();
      }
    }
    return new Repairs(reports, mayPass);
  }

  /**
   * A mount to put in place: a dead one to replace, or a missing one to attach (no dead mount).
   *
   * @param done what it becomes when that works
   */
  private record Wanted(
      String target, String file, MountFlags flags, MountInfo dead, MountState done) {
    static Wanted of(LxcfsMount stale) {
      return new Wanted(
          stale.target(), stale.file(), stale.flags(), stale.mount(), MountState.REPAIRED);
    }

    static Wanted of(MissingMount missing) {
      return new Wanted(
          missing.target(), missing.file(), missing.flags(), null, MountState.ATTACHED);
    }
  }

  /** A report to start from and the job that will carry it out (null when it cannot be tried). */
  private record Planned(MountReport report, NamespaceRebind job) {}

  /** A pidfd of the lxcfs process, or null when it has exited (its clones then fail, said why). */
  private Fd pinned(Lxcfs lxcfs) {
    try {
      return linux.pidfdOpen(lxcfs.pid());
    } catch (LinuxException e) {
      return null;
    }
  }

  /**
   * @param lxcfsProcess a pidfd of the lxcfs process when its mount namespace, not the agent's,
   *     holds the lxcfs mount; null otherwise, or when that process has exited
   */
  private Planned plan(Wanted mount, MountTable table, Lxcfs lxcfs, Fd lxcfsProcess) {
    MountReport report =
        new MountReport(
            mount.target(), mount.file(), mount.flags().readOnly(), mount.done(), preferred, null);
    if (preferred.usesMountApi()) {
      String source = lxcfs.pathOf(mount.file());
      try {
        Fd tree = clone(source, mount.flags(), lxcfs, lxcfsProcess);
        Device cloned = deviceOf(tree, source);
        if (!cloned.equals(lxcfs.generation())) {
          // lxcfs went away (or came back anew) since it was located: what the path shows now is
          // not the live lxcfs, possibly the bare folder underneath. Never attach that.
          tree.close();
          return new Planned(
              report.withState(
                  MountState.FAILED,
                  "lxcfs changed during the pass: "
                      + source
                      + " is on "
                      + cloned
                      + ", not lxcfs "
                      + lxcfs.generation()),
              null);
        }
        return new Planned(
            report,
            mount.dead() == null
                ? NamespaceRebind.attach(mount.target(), tree)
                : NamespaceRebind.ofTree(preferred, mount.target(), tree, mount.dead()));
      } catch (LinuxException e) {
        if (e.errno() != Errnos.EPERM && e.errno() != Errnos.ENOSYS) {
          return new Planned(report.withState(MountState.FAILED, e.getMessage()), null);
        }
      }
    }
    Optional<String> folder = LxcfsMount.liveFolder(table, lxcfs);
    MountReport classic =
        new MountReport(
            report.target(),
            report.file(),
            report.readOnly(),
            mount.done(),
            Strategy.CLASSIC,
            null);
    if (folder.isEmpty()) {
      return new Planned(
          classic.withState(
              MountState.FAILED,
              "not repairable: the mount API is not available and the live lxcfs folder is not"
                  + " visible inside the container"),
          null);
    }
    String source = mount.file().equals("/") ? folder.get() : folder.get() + mount.file();
    return new Planned(
        classic,
        NamespaceRebind.classic(
            mount.target(), source, mount.flags(), lxcfs.generation(), mount.dead()));
  }

  private Fd clone(String source, MountFlags flags, Lxcfs lxcfs, Fd lxcfsProcess)
      throws LinuxException {
    if (!lxcfs.inProcessNamespace()) {
      return linux.cloneMount(source, flags);
    }
    if (lxcfsProcess == null) {
      throw new LinuxException("pidfd_open", "/proc/" + lxcfs.pid(), Errnos.ESRCH);
    }
    return linux.cloneMountIn(lxcfsProcess, source, flags);
  }

  private static MountReport settle(
      MountReport report, RebindOutcome outcome, boolean alive, Lxcfs lxcfs) {
    if (outcome.done()) {
      return outcome.stacked()
          ? report.withState(
              MountState.STACKED, "the dead mount is locked in place: the live one covers it")
          : report;
    }
    if (!alive) {
      return report.withState(MountState.SKIPPED, "process exited");
    }
    return report.withState(MountState.FAILED, outcome.describe(lxcfs.pathOf(report.file())));
  }

  private Device deviceOf(Fd tree, String source) throws LinuxException {
    try {
      return linux.deviceOf(tree, source);
    } catch (LinuxException e) {
      tree.close();
      throw e;
    }
  }

  private boolean isAlive(Fd pidfd) {
    try {
      return linux.isAlive(pidfd);
    } catch (LinuxException e) {
      return false;
    }
  }
}
