package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import jnr.ffi.Pointer;

/**
 * The system calls the agent makes in its own namespace. Each failure is a {@link LinuxException}
 * naming the call, the path and the errno.
 */
public final class Linux {

  private Linux() {}

  /**
   * Loads the native calls and warms up the namespace thread's code. Everything here does that on
   * first use anyway; a command calls it on a thread of its own as it starts, so that the 0.1-0.2 s
   * a fresh JVM needs for it overlaps the rest of its start-up.
   */
  public static void preload() {
    if (Architecture.current().isEmpty()) {
      // The command refuses to start, with one line; nothing here would load.
      return;
    }
    bestStrategy();
    try {
      // Initializing the class runs its warm-up.
      Class.forName(MountNamespaceThread.class.getName(), true, Linux.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Pins a process: the pidfd keeps referring to it even after its PID is reused.
   *
   * @throws LinuxException ESRCH when the process no longer exists
   */
  public static Fd pidfdOpen(long pid) throws LinuxException {
    int fd = Syscalls.pidfdOpen(pid);
    if (fd < 0) {
      throw new LinuxException("pidfd_open", "/proc/" + pid, Syscalls.errno());
    }
    return new Fd(fd);
  }

  /**
   * Whether the process behind {@code pidfd} still runs. A pidfd turns readable (POLLIN) once its
   * process has exited, pidfd_open(2): asking needs no permission, unlike a signal 0, which a
   * process of another user refuses without CAP_KILL. A signal (a profiler's, a thread dump's)
   * interrupts even a poll that does not wait, and the kernel never restarts poll: asked again.
   */
  public static boolean isAlive(Fd pidfd) throws LinuxException {
    Pointer pollFd = Syscalls.allocate(Syscalls.POLLFD_SIZE);
    pollFd.putInt(0, pidfd.number());
    pollFd.putShort(4, Syscalls.POLLIN);
    int ready;
    do {
      ready = Syscalls.poll(pollFd, 1, 0);
    } while (ready < 0 && Syscalls.errno() == Syscalls.EINTR);
    if (ready < 0) {
      throw new LinuxException("poll", "pidfd", Syscalls.errno());
    }
    return (pollFd.getShort(6) & (Syscalls.POLLIN | Syscalls.POLLHUP | Syscalls.POLLNVAL)) == 0;
  }

  /**
   * A detached copy of the mount at {@code path} (open_tree with OPEN_TREE_CLONE), with exactly
   * {@code flags}, ready to be attached elsewhere.
   */
  public static Fd cloneMount(String path, MountFlags flags) throws LinuxException {
    int fd =
        Syscalls.openTree(Syscalls.AT_FDCWD, path, Syscalls.OPEN_TREE_CLONE | Syscalls.O_CLOEXEC);
    if (fd < 0) {
      throw new LinuxException("open_tree", path, Syscalls.errno());
    }
    Fd tree = new Fd(fd);
    if (Syscalls.mountSetattr(fd, "", Syscalls.AT_EMPTY_PATH, MountAttributes.mountAttr(flags))
        != 0) {
      int errno = Syscalls.errno();
      tree.close();
      throw new LinuxException("mount_setattr", path, errno);
    }
    return tree;
  }

  /** The device of the filesystem behind {@code fd} (for a detached mount tree: what it shows). */
  public static Device deviceOf(Fd fd, String path) throws LinuxException {
    long device = Syscalls.deviceOf(fd.number(), Syscalls.allocate(Syscalls.STATX_SIZE));
    if (device < 0) {
      throw new LinuxException("statx", path, Syscalls.errno());
    }
    return new Device((int) (device >>> 32), (int) device);
  }

  /**
   * Asks the filesystem at {@code path} for its attributes, bypassing every cache: for FUSE a
   * request the server must answer, which on a dead connection fails with ENOTCONN (a plain stat()
   * would be answered from the attribute cache for up to a second after lxcfs died).
   *
   * @return the ID of the mount {@code path} is on: never reused on kernel 6.8+ (a new lxcfs mount
   *     always has a new one), reusable before
   */
  public static long statUncached(String path) throws LinuxException {
    Pointer statx = Syscalls.allocate(Syscalls.STATX_SIZE);
    int mask = Syscalls.STATX_BASIC_STATS | Syscalls.STATX_MNT_ID | Syscalls.STATX_MNT_ID_UNIQUE;
    if (Syscalls.statx(Syscalls.AT_FDCWD, path, Syscalls.AT_STATX_FORCE_SYNC, mask, statx) != 0) {
      throw new LinuxException("statx", path, Syscalls.errno());
    }
    return statx.getLong(Syscalls.STATX_MOUNT_ID);
  }

  /**
   * {@link #statUncached} of {@code path} as a process whose root is {@code root} (e.g. {@code
   * /proc/PID/root}) sees it: resolved inside that root, following no symlink, so a link the
   * container planted cannot send the question elsewhere.
   */
  public static void statUncachedIn(String root, String path) throws LinuxException {
    int rootFd = Syscalls.open(root, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
    if (rootFd < 0) {
      throw new LinuxException("open", root, Syscalls.errno());
    }
    try {
      Pointer how =
          Syscalls.openHow(
              Syscalls.O_PATH | Syscalls.O_NOFOLLOW | Syscalls.O_CLOEXEC,
              Syscalls.RESOLVE_IN_ROOT
                  | Syscalls.RESOLVE_NO_SYMLINKS
                  | Syscalls.RESOLVE_NO_MAGICLINKS);
      int fd = Syscalls.openat2(rootFd, path, how);
      if (fd < 0) {
        throw new LinuxException("openat2", root + path, Syscalls.errno());
      }
      try {
        Pointer statx = Syscalls.allocate(Syscalls.STATX_SIZE);
        if (Syscalls.statx(fd, "", Syscalls.AT_EMPTY_PATH | Syscalls.AT_STATX_FORCE_SYNC, statx)
            != 0) {
          throw new LinuxException("statx", root + path, Syscalls.errno());
        }
      } finally {
        Syscalls.close(fd);
      }
    } finally {
      Syscalls.close(rootFd);
    }
  }

  /**
   * The best re-bind strategy this kernel (and any seccomp filter around the agent) allows, found
   * by calling the mount API on bad descriptors: a missing or filtered call answers ENOSYS or
   * EPERM, an unknown flag EINVAL, a supported call EBADF (mount_setattr, given nothing to change,
   * 0). The clone needs open_tree (5.2) and mount_setattr (5.12) to be given the dead mount's flags
   * and made private; moving it beneath the dead mount needs MOVE_MOUNT_BENEATH (6.5).
   */
  public static Strategy bestStrategy() {
    int openTree = Syscalls.openTree(-1, "", Syscalls.AT_EMPTY_PATH) < 0 ? Syscalls.errno() : 0;
    if (openTree == Errnos.ENOSYS || openTree == Errnos.EPERM) {
      return Strategy.CLASSIC;
    }
    int setattr =
        Syscalls.mountSetattr(
                    -1, "", Syscalls.AT_EMPTY_PATH, Syscalls.allocate(Syscalls.MOUNT_ATTR_SIZE))
                < 0
            ? Syscalls.errno()
            : 0;
    if (setattr == Errnos.ENOSYS || setattr == Errnos.EPERM) {
      return Strategy.CLASSIC;
    }
    int beneath =
        Syscalls.moveMount(
                    -1,
                    "",
                    -1,
                    "",
                    Syscalls.MOVE_MOUNT_F_EMPTY_PATH
                        | Syscalls.MOVE_MOUNT_T_EMPTY_PATH
                        | Syscalls.MOVE_MOUNT_BENEATH)
                < 0
            ? Syscalls.errno()
            : 0;
    if (beneath == Errnos.ENOSYS || beneath == Errnos.EPERM) {
      return Strategy.CLASSIC;
    }
    return beneath == Errnos.EINVAL ? Strategy.DETACH_ATTACH : Strategy.ATOMIC_SWAP;
  }
}
