package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.linux.Syscalls.AT_EMPTY_PATH;
import static io.lxcfsremount.core.linux.Syscalls.AT_FDCWD;
import static io.lxcfsremount.core.linux.Syscalls.CLONE_FS;
import static io.lxcfsremount.core.linux.Syscalls.CLONE_NEWNS;
import static io.lxcfsremount.core.linux.Syscalls.OPEN_TREE_CLONE;
import static io.lxcfsremount.core.linux.Syscalls.O_CLOEXEC;

import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import jnr.ffi.Pointer;

/**
 * Clones a mount that only another process's mount namespace shows: the lxcfs of a DaemonSet pod,
 * whose folder the agent's own container does not mount.
 *
 * <p>open_tree(OPEN_TREE_CLONE) refuses (EINVAL) a mount outside the caller's mount namespace, but
 * the detached copy it makes belongs to no namespace and can be attached in any. So the clone is
 * made on a fresh platform thread that calls unshare(CLONE_FS) (setns refuses a thread sharing its
 * fs_struct), enters the namespace through a pidfd (a recycled PID cannot send it elsewhere), makes
 * the clone, and ends: it is never reused. The descriptor table is shared, so the clone is the
 * agent's. Inside it logs nothing and loads no class: everything it calls is warmed up first.
 */
public final class NamespaceClone {
  /** Its three calls take microseconds, unless lxcfs stops answering in between. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final int ETIMEDOUT = Errnos.ETIMEDOUT;

  /**
   * A clone thread given up on, asleep in an lxcfs that stopped answering: while it stays, no other
   * is started, so a wedged lxcfs holds one thread at most.
   */
  private static volatile Thread stuck;

  static {
    warmUp();
  }

  private NamespaceClone() {}

  /**
   * A detached copy, with exactly {@code flags}, of the mount at {@code path} as the process behind
   * {@code pidfd} sees it.
   *
   * @throws LinuxException naming unshare, setns, open_tree or mount_setattr, or ETIMEDOUT when the
   *     thread did not come back in time (it is left behind)
   */
  public static Fd cloneIn(Fd pidfd, String path, MountFlags flags) throws LinuxException {
    Thread earlier = stuck;
    if (earlier != null && earlier.isAlive()) {
      throw new LinuxException(
          "open_tree in the lxcfs mount namespace (an earlier one is still stuck)",
          path,
          ETIMEDOUT);
    }
    Pointer attr = MountAttributes.mountAttr(flags);
    // [0] the clone's descriptor, [1] errno, [2] which call failed (an index into CALLS).
    int[] result = {-1, 0, -1};
    Thread thread = new Thread(() -> cloneInside(pidfd.number(), path, attr, result), "lxcfs-ns");
    thread.setDaemon(true);
    thread.start();
    if (!ThreadJoin.within(thread, TIMEOUT)) {
      stuck = thread;
      throw new LinuxException("open_tree in the lxcfs mount namespace", path, ETIMEDOUT);
    }
    if (result[2] >= 0) {
      throw new LinuxException(CALLS[result[2]], path, result[1]);
    }
    return new Fd(result[0]);
  }

  private static final String[] CALLS = {"unshare", "setns", "open_tree", "mount_setattr"};

  private static void cloneInside(int pidfd, String path, Pointer attr, int[] result) {
    if (Syscalls.unshare(CLONE_FS) != 0) {
      failed(result, 0);
    } else if (Syscalls.setns(pidfd, CLONE_NEWNS) != 0) {
      failed(result, 1);
    } else {
      int tree = Syscalls.openTree(AT_FDCWD, path, OPEN_TREE_CLONE | O_CLOEXEC);
      if (tree < 0) {
        failed(result, 2);
      } else if (Syscalls.mountSetattr(tree, "", AT_EMPTY_PATH, attr) != 0) {
        failed(result, 3);
        Syscalls.close(tree);
      } else {
        result[0] = tree;
      }
    }
  }

  private static void failed(int[] result, int call) {
    result[1] = Syscalls.errno();
    result[2] = call;
  }

  /** Makes every call once on bad descriptors, so nothing is loaded after a setns. */
  private static void warmUp() {
    int[] result = {-1, 0, -1};
    failed(result, 0);
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
