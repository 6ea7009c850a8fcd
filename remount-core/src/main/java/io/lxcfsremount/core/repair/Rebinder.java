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
import io.lxcfsremount.core.report.MountState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Step 4 of the reconcile pass: replaces the stale lxcfs mounts of one mount namespace. Everything
 * that can fail without touching the container (cloning the live lxcfs file, finding a classic
 * source) happens first, in the namespace lxcfs was found in (the agent's own, or the lxcfs
 * process's); then one namespace thread does the swaps.
 */
public final class Rebinder {
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
   * Repairs {@code stale} and attaches {@code missing} in the namespace of the process behind
   * {@code pidfd}, whose mount table is {@code table}: one attempt per mount, in that order, not
   * verified yet.
   */
  public List<Attempt> repair(
      Fd pidfd, MountTable table, List<LxcfsMount> stale, List<MissingMount> missing, Lxcfs lxcfs) {
    List<Planned> plans = new ArrayList<>();
    Fd lxcfsProcess = null;
    try {
      if (lxcfs.inProcessNamespace() && preferred.usesMountApi()) {
        lxcfsProcess = pinned(lxcfs);
      }
      for (LxcfsMount mount : stale) {
        plans.add(plan(Wanted.of(mount), table, lxcfs, lxcfsProcess));
      }
      for (MissingMount mount : missing) {
        plans.add(plan(Wanted.of(mount), table, lxcfs, lxcfsProcess));
      }
      List<Planned> tried = plans.stream().filter(p -> p.job() != null).toList();
      Iterator<RebindOutcome> outcomes =
          tried.isEmpty()
              ? Collections.emptyIterator()
              : linux.inNamespace(pidfd, tried.stream().map(Planned::job).toList()).iterator();
      boolean alive = tried.isEmpty() || isAlive(pidfd);
      List<Attempt> attempts = new ArrayList<>();
      for (Planned plan : plans) {
        attempts.add(plan.attempt(plan.job() == null ? null : outcomes.next(), alive, lxcfs));
      }
      return attempts;
    } finally {
      plans.stream()
          .filter(plan -> plan.job() != null && plan.job().tree() != null)
          .forEach(plan -> plan.job().tree().close());
      if (lxcfsProcess != null) {
        lxcfsProcess.close();
      }
    }
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

  /**
   * How a mount will be put in place: a job for the namespace thread, or why it cannot be tried.
   */
  private record Planned(Wanted mount, Strategy strategy, NamespaceRebind job, String refused) {
    static Planned tried(Wanted mount, Strategy strategy, NamespaceRebind job) {
      return new Planned(mount, strategy, job, null);
    }

    static Planned refused(Wanted mount, Strategy strategy, String why) {
      return new Planned(mount, strategy, null, why);
    }

    Attempt attempt(RebindOutcome outcome, boolean alive, Lxcfs lxcfs) {
      return new Attempt(
          mount.target(),
          mount.file(),
          mount.flags().readOnly(),
          strategy,
          mount.done(),
          refused,
          outcome,
          alive,
          lxcfs.pathOf(mount.file()));
    }
  }

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
    if (preferred.usesMountApi()) {
      String source = lxcfs.pathOf(mount.file());
      try {
        Fd tree = clone(source, mount.flags(), lxcfs, lxcfsProcess);
        Device cloned = deviceOf(tree, source);
        if (!cloned.equals(lxcfs.generation())) {
          // lxcfs went away (or came back anew) since it was located: what the path shows now is
          // not the live lxcfs, possibly the bare folder underneath. Never attach that.
          tree.close();
          return Planned.refused(
              mount,
              preferred,
              "lxcfs changed during the pass: "
                  + source
                  + " is on "
                  + cloned
                  + ", not lxcfs "
                  + lxcfs.generation());
        }
        return Planned.tried(
            mount,
            preferred,
            mount.dead() == null
                ? NamespaceRebind.attach(mount.target(), tree)
                : NamespaceRebind.ofTree(preferred, mount.target(), tree, mount.dead()));
      } catch (LinuxException e) {
        if (e.errno() != Errnos.EPERM && e.errno() != Errnos.ENOSYS) {
          return Planned.refused(mount, preferred, e.getMessage());
        }
      }
    }
    Optional<String> folder = LxcfsMount.liveFolder(table, lxcfs);
    if (folder.isEmpty()) {
      return Planned.refused(
          mount,
          Strategy.CLASSIC,
          "not repairable: the mount API is not available and the live lxcfs folder is not"
              + " visible inside the container");
    }
    String source = mount.file().equals("/") ? folder.get() : folder.get() + mount.file();
    return Planned.tried(
        mount,
        Strategy.CLASSIC,
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
