package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.linux.Syscalls.AT_EMPTY_PATH;
import static io.lxcfsremount.core.linux.Syscalls.AT_FDCWD;
import static io.lxcfsremount.core.linux.Syscalls.OPEN_TREE_CLONE;
import static io.lxcfsremount.core.linux.Syscalls.O_CLOEXEC;

import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Clones mounts that only another process's mount namespace shows: the lxcfs of a DaemonSet pod,
 * whose folder the agent's own container does not mount.
 *
 * <p>open_tree(OPEN_TREE_CLONE) refuses (EINVAL) a mount outside the caller's mount namespace, but
 * the detached copy it makes belongs to no namespace and can be attached in any. So the clones are
 * made by one of the agent's {@link NamespaceWorkers}, in one visit for all the mounts a container
 * needs: it enters the namespace through a pidfd (a recycled PID cannot send it elsewhere), makes
 * the clones, and goes home. The descriptor table is shared, so the clones are the agent's. A
 * thread per clone, as before, cost a recovery of 100 containers some 0.5 s of CPU. Inside, the
 * worker logs nothing and loads no class: everything it calls is warmed up first.
 */
public final class NamespaceClone {
  /** Its calls take microseconds, unless lxcfs stops answering in between. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final int ETIMEDOUT = Errnos.ETIMEDOUT;

  private static final String OPERATION = "open_tree in the lxcfs mount namespace";

  /**
   * A worker given up on, asleep in an lxcfs that stopped answering: while it stays, no other visit
   * is made, so a wedged lxcfs holds one thread at most.
   */
  private static volatile Thread stuck;

  static {
    warmUp();
  }

  private NamespaceClone() {}

  /** 1 while a worker given up on is still asleep in a wedged lxcfs, else 0. */
  public static int stuck() {
    Thread earlier = stuck;
    return earlier != null && earlier.isAlive() ? 1 : 0;
  }

  /**
   * Detached copies of {@code mounts} as the process behind {@code pidfd} sees them, each with
   * exactly its flags.
   *
   * @return one per mount, in the same order: its tree, or a failure naming setns, open_tree or
   *     mount_setattr, or ETIMEDOUT when the worker did not come back in time (it is left behind)
   */
  public static List<Cloned> cloneIn(Fd pidfd, List<MountToClone> mounts) {
    return cloneIn(NamespaceWorkers.OWN, pidfd, mounts);
  }

  static List<Cloned> cloneIn(NamespaceWorkers workers, Fd pidfd, List<MountToClone> mounts) {
    Thread earlier = stuck;
    if (earlier != null && earlier.isAlive()) {
      return allFailed(mounts, OPERATION + " (an earlier one is still stuck)", ETIMEDOUT);
    }
    Clones visit;
    try {
      visit = new Clones(pidfd.duplicate(), mounts);
    } catch (LinuxException e) {
      return allFailed(mounts, e.operation(), e.errno());
    }
    NamespaceWorkers.Worker worker = workers.start(visit);
    if (!visit.await(worker, TIMEOUT)) {
      worker.abandon();
      stuck = worker.thread;
      visit.abandon();
      return allFailed(mounts, OPERATION, ETIMEDOUT);
    }
    return visit.results();
  }

  private static List<Cloned> allFailed(List<MountToClone> mounts, String operation, int errno) {
    List<Cloned> failed = new ArrayList<>();
    for (MountToClone mount : mounts) {
      failed.add(Cloned.failed(new LinuxException(operation, mount.path(), errno)));
    }
    return failed;
  }

  /** One container's clones, as one visit of a namespace worker. */
  private static final class Clones extends NamespaceWorkers.Visit {
    private final Fd pidfd;
    private final String[] paths;
    private final Pointer[] attributes;
    private final int[] trees;
    private final int[] errnos;

    /** The call that failed for each mount; null where its clone was made. */
    private final String[] failedCalls;

    /** Guarded by this: whether the worker is done with the visit, and whether its caller is. */
    private boolean finished;

    private boolean abandoned;

    /**
     * @param pidfd the worker's own pidfd, which it closes: its caller may be gone by then
     */
    Clones(Fd pidfd, List<MountToClone> mounts) {
      this.pidfd = pidfd;
      int count = mounts.size();
      paths = new String[count];
      attributes = new Pointer[count];
      trees = new int[count];
      errnos = new int[count];
      failedCalls = new String[count];
      Arrays.fill(trees, -1);
      for (int i = 0; i < count; i++) {
        paths[i] = mounts.get(i).path();
        attributes[i] = MountAttributes.mountAttr(mounts.get(i).flags());
      }
    }

    @Override
    int pidfd() {
      return pidfd.number();
    }

    @Override
    void inside() {
      for (int i = 0; i < paths.length; i++) {
        int tree = Syscalls.openTree(AT_FDCWD, paths[i], OPEN_TREE_CLONE | O_CLOEXEC);
        if (tree < 0) {
          failed(i, "open_tree", Syscalls.errno());
        } else if (Syscalls.mountSetattr(tree, "", AT_EMPTY_PATH, attributes[i]) != 0) {
          failed(i, "mount_setattr", Syscalls.errno());
          Syscalls.close(tree);
        } else {
          trees[i] = tree;
        }
      }
    }

    @Override
    void notEntered(String operation, int errno) {
      for (int i = 0; i < paths.length; i++) {
        failed(i, operation, errno);
      }
    }

    private void failed(int i, String call, int errno) {
      failedCalls[i] = call;
      errnos[i] = errno;
    }

    @Override
    void close() {
      pidfd.close();
      synchronized (this) {
        finished = true;
        if (abandoned) {
          closeTrees();
        }
      }
    }

    /** Its caller gave up waiting: the clones it makes are nobody's, and closed. */
    synchronized void abandon() {
      abandoned = true;
      if (finished) {
        closeTrees();
      }
    }

    private void closeTrees() {
      for (int i = 0; i < paths.length; i++) {
        if (trees[i] >= 0) {
          Syscalls.close(trees[i]);
        }
      }
    }

    List<Cloned> results() {
      List<Cloned> results = new ArrayList<>();
      for (int i = 0; i < paths.length; i++) {
        results.add(
            failedCalls[i] == null
                ? Cloned.of(new Fd(trees[i]))
                : Cloned.failed(new LinuxException(failedCalls[i], paths[i], errnos[i])));
      }
      return results;
    }
  }

  /** Makes every call once on bad descriptors, so nothing is loaded after a setns. */
  private static void warmUp() {
    Syscalls.openTree(-1, "/warm/up", 0);
    Syscalls.mountSetattr(
        -1,
        "",
        AT_EMPTY_PATH,
        MountAttributes.mountAttr(
            new MountFlags(true, true, true, true, MountFlags.AccessTime.RELATIME, true)));
    Syscalls.setns(-1, 0);
    Syscalls.unshare(0);
    Syscalls.close(-1);
    Syscalls.errno();
  }
}
