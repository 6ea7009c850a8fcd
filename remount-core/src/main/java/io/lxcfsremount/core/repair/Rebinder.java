package io.lxcfsremount.core.repair;

import io.lxcfsremount.core.linux.Cloned;
import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.MountToClone;
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
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    List<Wanted> wanted = new ArrayList<>();
    stale.forEach(mount -> wanted.add(Wanted.of(mount)));
    missing.forEach(mount -> wanted.add(Wanted.of(mount)));
    List<Planned> plans = new ArrayList<>();
    try (Clones clones = clones(wanted, lxcfs)) {
      for (Wanted mount : wanted) {
        plans.add(plan(mount, table, lxcfs, clones));
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

  /**
   * Where the clones of {@code wanted} come from: each made when planned, in the agent's own
   * namespace; or, when only the lxcfs process's namespace shows lxcfs, all made at once there.
   */
  private Clones clones(List<Wanted> wanted, Lxcfs lxcfs) {
    if (!lxcfs.inProcessNamespace() || !preferred.usesMountApi() || wanted.isEmpty()) {
      return new Clones(Map.of(), linux);
    }
    List<MountToClone> mounts =
        wanted.stream().map(w -> new MountToClone(lxcfs.pathOf(w.file()), w.flags())).toList();
    List<Cloned> made;
    try (Fd lxcfsProcess = linux.pidfdOpen(lxcfs.pid())) {
      made = linux.cloneMountsIn(lxcfsProcess, mounts);
    } catch (LinuxException e) {
      // lxcfs has exited: each clone fails, saying so.
      made = mounts.stream().map(m -> Cloned.failed(e)).toList();
    }
    Map<Wanted, Cloned> byMount = new IdentityHashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      byMount.put(wanted.get(i), made.get(i));
    }
    return new Clones(byMount, linux);
  }

  /**
   * The clones of one namespace's mounts: made beforehand in the lxcfs process's namespace, or else
   * made on demand. Whatever was made and not taken is closed with it. Kept by identity: each clone
   * is for one mount wanted, even where two are alike, and hashing a record's every component costs
   * a cold one-shot pass more than the whole lookup is worth.
   */
  private static final class Clones implements AutoCloseable {
    private final Map<Wanted, Cloned> made;
    private final LinuxCalls linux;

    Clones(Map<Wanted, Cloned> made, LinuxCalls linux) {
      this.made = new IdentityHashMap<>(made);
      this.linux = linux;
    }

    /** A clone of {@code source}, with the flags {@code mount} wants, now the caller's. */
    Fd take(Wanted mount, String source) throws LinuxException {
      Cloned ready = made.remove(mount);
      return ready != null ? ready.treeOrThrow() : linux.cloneMount(source, mount.flags());
    }

    @Override
    public void close() {
      made.values().stream().map(Cloned::tree).filter(Objects::nonNull).forEach(Fd::close);
    }
  }

  private Planned plan(Wanted mount, MountTable table, Lxcfs lxcfs, Clones clones) {
    if (preferred.usesMountApi()) {
      String source = lxcfs.pathOf(mount.file());
      try {
        Fd tree = clones.take(mount, source);
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
