package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.linux.Syscalls.AT_FDCWD;
import static io.lxcfsremount.core.linux.Syscalls.MNT_DETACH;
import static io.lxcfsremount.core.linux.Syscalls.MOVE_MOUNT_BENEATH;
import static io.lxcfsremount.core.linux.Syscalls.MOVE_MOUNT_F_EMPTY_PATH;
import static io.lxcfsremount.core.linux.Syscalls.MOVE_MOUNT_T_EMPTY_PATH;
import static io.lxcfsremount.core.linux.Syscalls.MS_BIND;
import static io.lxcfsremount.core.linux.Syscalls.MS_REMOUNT;
import static io.lxcfsremount.core.linux.Syscalls.O_CLOEXEC;
import static io.lxcfsremount.core.linux.Syscalls.O_DIRECTORY;
import static io.lxcfsremount.core.linux.Syscalls.O_NOFOLLOW;
import static io.lxcfsremount.core.linux.Syscalls.O_PATH;
import static io.lxcfsremount.core.linux.Syscalls.RESOLVE_NO_MAGICLINKS;
import static io.lxcfsremount.core.linux.Syscalls.RESOLVE_NO_SYMLINKS;
import static io.lxcfsremount.core.linux.Syscalls.UMOUNT_NOFOLLOW;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Replaces dead mounts inside another process's mount namespace.
 *
 * <p>Why it is shaped this way: setns(CLONE_NEWNS) refuses (EINVAL) a thread that shares its
 * fs_struct, and every JVM thread does, so the jobs run on a platform thread that has called
 * unshare(CLONE_FS): one of {@link NamespaceWorkers}, which goes back to the agent's own namespace
 * after each container and ends if it cannot, so a thread that is not home is never reused. While
 * inside it logs nothing and loads no class (a class loader would resolve paths against the
 * container's root): everything it calls is warmed up below, before any thread enters a namespace,
 * and it hands back plain values. It enters through a pidfd, so a recycled PID cannot send a mount
 * into the wrong container, and it resolves every target with openat2(RESOLVE_NO_SYMLINKS) and acts
 * on the handle, so a symlink the container planted cannot redirect a mount.
 *
 * <p>A namespace owned by a child user namespace (nested containers, rootless engines, sysbox)
 * holds the mounts it inherited as MNT_LOCKED: the kernel refuses to detach them or to move a mount
 * beneath them (EINVAL). Such a dead mount can only be covered: the fresh clone is attached on top
 * of it, and the outcome says it was stacked.
 */
public final class MountNamespaceThread {
  private static final long DIRECTORY_FLAGS = O_PATH | O_DIRECTORY | O_CLOEXEC;
  private static final long HANDLE_FLAGS = O_PATH | O_NOFOLLOW | O_CLOEXEC;
  private static final long NO_LINKS = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

  /** The classic source is not on the live lxcfs any more. */
  private static final int ESTALE = Errnos.ESTALE;

  /** A dead mount that is locked (MNT_LOCKED) cannot be detached, nor have one moved beneath. */
  private static final int EINVAL = Errnos.EINVAL;

  private static final int ETIMEDOUT = Errnos.ETIMEDOUT;

  private static final String ATTACH_FLAGS = "MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH";
  private static final String BENEATH_FLAGS = ATTACH_FLAGS + "|MOVE_MOUNT_BENEATH";

  /**
   * How long a namespace thread may take. Its few calls take microseconds, unless a path it
   * resolves is on a filesystem of the container's that does not answer.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  static {
    warmUp();
  }

  private MountNamespaceThread() {}

  /**
   * Performs {@code rebinds} in the mount namespace of the process behind {@code pidfd}, in order,
   * on a namespace thread, and waits for them, at most {@link #TIMEOUT}: a thread that does not
   * come back by then (asleep on a FUSE filesystem of the container's that never answers) is
   * abandoned, never reused, its unfinished rebinds reported as ETIMEDOUT, and no other thread
   * enters that process's namespace while it stays stuck.
   *
   * @return one outcome per rebind, in the same order
   */
  public static List<RebindOutcome> run(Fd pidfd, List<NamespaceRebind> rebinds) {
    return run(NamespaceWorkers.OWN, pidfd, rebinds);
  }

  /** As {@link #run(Fd, List)}, on one of {@code workers}. */
  static List<RebindOutcome> run(
      NamespaceWorkers workers, Fd pidfd, List<NamespaceRebind> rebinds) {
    RebindOutcome[] outcomes = new RebindOutcome[rebinds.size()];
    if (AbandonedNamespaceThreads.stillStuckIn(pidfd)) {
      return finished(outcomes, rebinds, "namespace thread (an earlier one is still stuck)");
    }
    ThreadDescriptors own;
    try {
      own = ThreadDescriptors.of(pidfd, rebinds);
    } catch (LinuxException e) {
      Arrays.fill(outcomes, new RebindOutcome(e.operation(), e.path(), e.errno()));
      return List.of(outcomes);
    }
    Rebinds visit = new Rebinds(own, outcomes);
    NamespaceWorkers.Worker worker = workers.start(visit);
    if (!visit.await(worker, TIMEOUT)) {
      worker.abandon();
      AbandonedNamespaceThreads.add(pidfd, worker.thread);
      return finished(outcomes.clone(), rebinds, "namespace thread");
    }
    return List.of(outcomes);
  }

  /** A container's rebinds, as one visit of a namespace thread. */
  private static final class Rebinds extends NamespaceWorkers.Visit {
    private final ThreadDescriptors own;
    private final RebindOutcome[] outcomes;
    private final Buffers buffers = new Buffers();

    Rebinds(ThreadDescriptors own, RebindOutcome[] outcomes) {
      this.own = own;
      this.outcomes = outcomes;
    }

    @Override
    int pidfd() {
      return own.pidfd().number();
    }

    @Override
    void inside() {
      NamespaceRebind[] jobs = own.jobs();
      WorkingDirectory directory = new WorkingDirectory();
      try {
        for (int i = 0; i < jobs.length; i++) {
          RebindOutcome entered = directory.enter(jobs[i].parent(), buffers);
          outcomes[i] = entered != null ? entered : rebind(jobs[i], directory.fd(), buffers);
        }
      } finally {
        directory.close();
      }
    }

    @Override
    void notEntered(String operation, int errno) {
      RebindOutcome entry = new RebindOutcome(operation, "", errno);
      Arrays.fill(outcomes, entry);
    }

    @Override
    void close() {
      own.close();
    }
  }

  /** Abandoned namespace threads that are still stuck in a container. */
  public static int stuck() {
    return AbandonedNamespaceThreads.count();
  }

  /** {@code outcomes}, with ETIMEDOUT from {@code operation} for each rebind not done. */
  private static List<RebindOutcome> finished(
      RebindOutcome[] outcomes, List<NamespaceRebind> rebinds, String operation) {
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) {
        outcomes[i] = new RebindOutcome(operation, rebinds.get(i).target(), ETIMEDOUT);
      }
    }
    return List.of(outcomes);
  }

  /**
   * The parent directory of the targets, opened (without following links) and made the working
   * directory once for every target in it: a container's lxcfs files are mostly siblings in /proc.
   * Relative names (umount2, the classic mount) are resolved from it.
   */
  private static final class WorkingDirectory {
    private String path;
    private int fd = -1;
    private RebindOutcome failed;

    /** Makes {@code directory} the working directory, unless it is already; null, or why not. */
    RebindOutcome enter(String directory, Buffers buffers) {
      if (directory.equals(path)) {
        return failed;
      }
      close();
      path = directory;
      fd = Syscalls.openat2(AT_FDCWD, directory, buffers.directoryHow);
      if (fd < 0) {
        failed = new RebindOutcome("openat2", directory, Syscalls.errno());
      } else if (Syscalls.fchdir(fd) != 0) {
        failed = new RebindOutcome("fchdir", directory, Syscalls.errno());
      } else {
        failed = null;
      }
      return failed;
    }

    int fd() {
      return fd;
    }

    void close() {
      if (fd >= 0) {
        Syscalls.close(fd);
        fd = -1;
      }
    }
  }

  /** Native memory the thread needs, allocated before it enters the namespace. */
  private static final class Buffers {
    final Pointer directoryHow = Syscalls.openHow(DIRECTORY_FLAGS, NO_LINKS);
    final Pointer handleHow = Syscalls.openHow(HANDLE_FLAGS, NO_LINKS);
    final Pointer statx = Syscalls.allocate(Syscalls.STATX_SIZE);
  }

  /** Puts {@code job}'s mount in place; {@code parent} is its target's directory, and the cwd. */
  private static RebindOutcome rebind(NamespaceRebind job, int parent, Buffers buffers) {
    // An if chain, not a switch: a switch on an enum loads a synthetic class on first use.
    if (job.strategy() == Strategy.CLASSIC) {
      return detachThenBind(job, parent, buffers);
    } else if (!job.replaces()) {
      return attach(job, parent, buffers);
    } else if (job.strategy() == Strategy.ATOMIC_SWAP) {
      return swapBeneath(job, parent, buffers);
    }
    return detachThenAttach(job, parent, buffers);
  }

  private static RebindOutcome swapBeneath(NamespaceRebind job, int parent, Buffers buffers) {
    int target = Syscalls.openat2(parent, job.name(), buffers.handleHow);
    if (target < 0) {
      return new RebindOutcome("openat2", job.target(), Syscalls.errno());
    }
    RebindOutcome same = sameMount(job, target, buffers);
    if (!same.done()) {
      Syscalls.close(target);
      return same;
    }
    int moved =
        Syscalls.moveMount(
            job.tree().number(),
            "",
            target,
            "",
            MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH | MOVE_MOUNT_BENEATH);
    int moveErrno = Syscalls.errno();
    Syscalls.close(target);
    if (moved != 0) {
      return moveErrno == EINVAL
          ? stackOnTop(job, parent, buffers)
          : RebindOutcome.mounting(
              "move_mount", RebindOutcome.CLONE, job.target(), BENEATH_FLAGS, moveErrno);
    }
    // The dead mount is still on top, as checked just before the move: checking again would only
    // move the window between the check and the detach, not close it.
    return detach(job);
  }

  /** Attaches the clone on top of a dead mount that is locked in place. */
  private static RebindOutcome stackOnTop(NamespaceRebind job, int parent, Buffers buffers) {
    RebindOutcome attached = attach(job, parent, buffers);
    return attached.done() ? RebindOutcome.STACKED : attached;
  }

  private static RebindOutcome detachThenAttach(NamespaceRebind job, int parent, Buffers buffers) {
    RebindOutcome detached = detachDead(job, parent, buffers);
    if (!detached.done()) {
      return detached.errno() == EINVAL ? stackOnTop(job, parent, buffers) : detached;
    }
    return attach(job, parent, buffers);
  }

  private static RebindOutcome attach(NamespaceRebind job, int parent, Buffers buffers) {
    int target = Syscalls.openat2(parent, job.name(), buffers.handleHow);
    if (target < 0) {
      return new RebindOutcome("openat2", job.target(), Syscalls.errno());
    }
    int moved =
        Syscalls.moveMount(
            job.tree().number(), "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int moveErrno = Syscalls.errno();
    Syscalls.close(target);
    return moved == 0
        ? RebindOutcome.DONE
        : RebindOutcome.mounting(
            "move_mount", RebindOutcome.CLONE, job.target(), ATTACH_FLAGS, moveErrno);
  }

  private static RebindOutcome detachThenBind(NamespaceRebind job, int parent, Buffers buffers) {
    // The source is the container's own path: refuse it if the container made it a symlink, or if
    // it is no longer on the live lxcfs (lxcfs went away and left the bare folder underneath).
    int source = Syscalls.openat2(AT_FDCWD, job.source(), buffers.handleHow);
    if (source < 0) {
      return new RebindOutcome("openat2", job.source(), Syscalls.errno());
    }
    long device = Syscalls.deviceOf(source, buffers.statx);
    int statxErrno = Syscalls.errno();
    Syscalls.close(source);
    if (device != job.sourceDeviceNumber()) {
      return new RebindOutcome("statx", job.source(), device < 0 ? statxErrno : ESTALE);
    }
    RebindOutcome detached = job.replaces() ? detachDead(job, parent, buffers) : RebindOutcome.DONE;
    if (!detached.done() && detached.errno() != EINVAL) {
      return detached;
    }
    if (Syscalls.mount(job.source(), job.name(), MS_BIND) != 0) {
      return RebindOutcome.mounting(
          "mount", job.source(), job.target(), "MS_BIND", Syscalls.errno());
    }
    if (Syscalls.mount(
            null, job.name(), MS_REMOUNT | MS_BIND | MountAttributes.msFlags(job.flags()))
        != 0) {
      return RebindOutcome.mounting(
          "mount", null, job.target(), "MS_REMOUNT|MS_BIND", Syscalls.errno());
    }
    return detached.done() ? RebindOutcome.DONE : RebindOutcome.STACKED;
  }

  /**
   * Detaches the top mount at the target, resolved from the already-checked parent directory (the
   * working directory), if it is still the dead mount the pass read.
   */
  private static RebindOutcome detachDead(NamespaceRebind job, int parent, Buffers buffers) {
    int target = Syscalls.openat2(parent, job.name(), buffers.handleHow);
    if (target < 0) {
      return new RebindOutcome("openat2", job.target(), Syscalls.errno());
    }
    RebindOutcome same = sameMount(job, target, buffers);
    Syscalls.close(target);
    if (!same.done()) {
      return same;
    }
    return detach(job);
  }

  /** Detaches the top mount at the target, which the caller found to be the dead one. */
  private static RebindOutcome detach(NamespaceRebind job) {
    if (Syscalls.umount2(job.name(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0) {
      return RebindOutcome.mounting(
          "umount2", null, job.target(), "MNT_DETACH|UMOUNT_NOFOLLOW", Syscalls.errno());
    }
    return RebindOutcome.DONE;
  }

  /** Done when the top mount at {@code handle} is the one the pass read; else ESTALE. */
  private static RebindOutcome sameMount(NamespaceRebind job, int handle, Buffers buffers) {
    long mountId = Syscalls.mountIdOf(handle, buffers.statx);
    if (mountId < 0) {
      return new RebindOutcome("statx", job.target(), Syscalls.errno());
    }
    return mountId == job.mountId() && Syscalls.deviceIn(buffers.statx) == job.mountDeviceNumber()
        ? RebindOutcome.DONE
        : new RebindOutcome("mount ID check", job.target(), ESTALE);
  }

  /**
   * Runs every call and allocation the namespace thread makes once, on bad descriptors, so that
   * jffi's call paths, string conversions, errno access and these classes are all loaded before any
   * setns.
   */
  private static void warmUp() {
    Buffers buffers = new Buffers();
    Pointer how = buffers.directoryHow;
    MountFlags flags = new MountFlags(true, true, true, true, MountFlags.AccessTime.RELATIME, true);
    NamespaceRebind job =
        new NamespaceRebind(
            Strategy.CLASSIC, "/warm/up", null, "/", flags, new Device(0, 0), 1, new Device(0, 0));
    job.replaces();
    job.mountDeviceNumber();
    new RebindOutcome(
            "warm-up",
            job.parent() + job.name(),
            new Fd(-1).number() + (int) job.sourceDeviceNumber())
        .done();
    Syscalls.deviceOf(-1, new Buffers().statx);
    Syscalls.mountIdOf(-1, new Buffers().statx);
    Syscalls.openat2(-1, "", how);
    Syscalls.moveMount(-1, "", -1, "", MOVE_MOUNT_F_EMPTY_PATH);
    WorkingDirectory directory = new WorkingDirectory();
    // An empty path opens nothing (ENOENT): the warm-up must not change the JVM's directory.
    directory.enter("", buffers);
    directory.enter("", buffers);
    directory.close();
    Syscalls.fchdir(directory.fd());
    Syscalls.umount2("", 0);
    Syscalls.mount(null, "", 0);
    Syscalls.setns(-1, 0);
    Syscalls.unshare(0);
    Syscalls.close(-1);
    Syscalls.errno();
    MountAttributes.msFlags(flags);
    RebindOutcome.DONE.done();
    RebindOutcome.STACKED.stacked();
  }
}
