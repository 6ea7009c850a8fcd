package io.lxcfsremount.core.repair;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.MountNamespaceThread;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Step 4 of the reconcile pass: replaces the stale lxcfs mounts of one mount namespace. Everything
 * that can fail without touching the container (cloning the live lxcfs file, finding a classic
 * source) happens first, in the agent's namespace; then one namespace thread does the swaps.
 */
public final class Rebinder {
  private static final int EPERM = 1;
  private static final int ENOENT = 2;
  private static final int ENOSYS = 38;

  private final Strategy preferred;

  /**
   * @param preferred the best strategy the kernel allows, or the one forced by configuration
   */
  public Rebinder(Strategy preferred) {
    this.preferred = preferred;
  }

  public Strategy preferred() {
    return preferred;
  }

  /**
   * Repairs {@code stale} in the namespace of the process behind {@code pidfd}, whose mount table
   * is {@code table}. The results are not verified yet: a REPAIRED mount is one whose calls
   * succeeded.
   */
  public List<MountReport> repair(Fd pidfd, MountTable table, List<LxcfsMount> stale, Lxcfs lxcfs) {
    List<MountReport> reports = new ArrayList<>();
    List<NamespaceRebind> jobs = new ArrayList<>();
    List<Integer> jobIndex = new ArrayList<>();
    try {
      for (LxcfsMount mount : stale) {
        Planned planned = plan(mount, table, lxcfs);
        reports.add(planned.report());
        if (planned.job() != null) {
          jobs.add(planned.job());
          jobIndex.add(reports.size() - 1);
        }
      }
      if (!jobs.isEmpty()) {
        List<RebindOutcome> outcomes = MountNamespaceThread.run(pidfd, jobs);
        boolean alive = isAlive(pidfd);
        for (int i = 0; i < outcomes.size(); i++) {
          int index = jobIndex.get(i);
          reports.set(index, settle(reports.get(index), outcomes.get(i), alive));
        }
      }
    } finally {
      jobs.stream().filter(job -> job.tree() != null).forEach(job -> job.tree().close());
    }
    return reports;
  }

  /** A report to start from and the job that will carry it out (null when it cannot be tried). */
  private record Planned(MountReport report, NamespaceRebind job) {}

  private Planned plan(LxcfsMount mount, MountTable table, Lxcfs lxcfs) {
    MountReport report =
        new MountReport(
            mount.target(),
            mount.file(),
            mount.flags().readOnly(),
            MountState.REPAIRED,
            preferred,
            null);
    if (preferred.usesMountApi()) {
      String source = lxcfs.pathOf(mount.file());
      try {
        Fd tree = Linux.cloneMount(source, mount.flags());
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
        return new Planned(report, NamespaceRebind.ofTree(preferred, mount.target(), tree));
      } catch (LinuxException e) {
        if (e.errno() != EPERM && e.errno() != ENOSYS) {
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
            MountState.REPAIRED,
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
        NamespaceRebind.classic(mount.target(), source, mount.flags(), lxcfs.generation()));
  }

  private static MountReport settle(MountReport report, RebindOutcome outcome, boolean alive) {
    if (outcome.done()) {
      return report;
    }
    if (!alive) {
      return report.withState(MountState.SKIPPED, "process exited");
    }
    if (outcome.errno() == ENOENT && outcome.path().equals(report.target())) {
      return report.withState(MountState.SKIPPED, "target vanished: " + outcome.describe());
    }
    return report.withState(MountState.FAILED, outcome.describe());
  }

  private static Device deviceOf(Fd tree, String source) throws LinuxException {
    try {
      return Linux.deviceOf(tree, source);
    } catch (LinuxException e) {
      tree.close();
      throw e;
    }
  }

  private static boolean isAlive(Fd pidfd) {
    try {
      return Linux.isAlive(pidfd);
    } catch (LinuxException e) {
      return false;
    }
  }
}
