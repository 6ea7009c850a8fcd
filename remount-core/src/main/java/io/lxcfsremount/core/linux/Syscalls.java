package io.lxcfsremount.core.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Raw system calls: each returns what the kernel returned (negative on failure) and leaves the
 * errno in {@link #errno()}. Calls that can be interrupted are retried on EINTR. Nothing here loads
 * a class or throws after warm-up, and it allocates only on the Java heap, so {@link
 * MountNamespaceThread} can use it inside a container's namespace.
 */
final class Syscalls {
  static final int AT_FDCWD = -100;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int AT_RECURSIVE = 0x8000;

  /** statx: ask the filesystem (for FUSE: the server) instead of trusting cached attributes. */
  static final int AT_STATX_FORCE_SYNC = 0x2000;

  /** statx: the cached attributes will do (the device number never changes). */
  static final int AT_STATX_DONT_SYNC = 0x4000;

  static final int STATX_BASIC_STATS = 0x7ff;
  static final int STATX_MNT_ID = 0x1000;

  /** Kernel 6.8+: a mount ID that is never reused. */
  static final int STATX_MNT_ID_UNIQUE = 0x4000;

  static final int STATX_MASK = 0x0;
  static final int STATX_MOUNT_ID = 0x90;
  static final int STATX_SIZE = 256;
  static final int STATX_DEV_MAJOR = 0x88;
  static final int STATX_DEV_MINOR = 0x8c;
  static final int O_RDONLY = 0;
  private static final Architecture ARCH =
      Architecture.current()
          .orElseThrow(
              () ->
                  new UnsupportedOperationException(
                      Architecture.unsupported(System.getProperty("os.arch"))));
  static final int O_DIRECTORY = ARCH.directory;
  static final int O_NOFOLLOW = ARCH.noFollow;
  static final int O_CLOEXEC = ARCH.closeOnExec;
  static final int O_PATH = ARCH.path;
  static final int CLONE_FS = 0x200;
  static final int CLONE_NEWNS = 0x20000;
  static final int MNT_DETACH = 0x2;
  static final int UMOUNT_NOFOLLOW = 0x8;
  static final long MS_RDONLY = 0x1;
  static final long MS_NOSUID = 0x2;
  static final long MS_NODEV = 0x4;
  static final long MS_NOEXEC = 0x8;
  static final long MS_REMOUNT = 0x20;
  static final long MS_NOATIME = 0x400;
  static final long MS_NODIRATIME = 0x800;
  static final long MS_BIND = 0x1000;
  static final long MS_PRIVATE = 0x40000;
  static final long MS_RELATIME = 0x200000;
  static final long MS_STRICTATIME = 0x1000000;
  static final int OPEN_TREE_CLONE = 0x1;
  static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
  static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;

  /** Kernel 6.5+: mount under the top mount of the target, so the swap is atomic for readers. */
  static final int MOVE_MOUNT_BENEATH = 0x200;

  static final long RESOLVE_NO_MAGICLINKS = 0x2;
  static final long RESOLVE_NO_SYMLINKS = 0x4;
  static final long RESOLVE_IN_ROOT = 0x10;
  static final short POLLIN = 0x1;
  static final short POLLPRI = 0x2;
  static final short POLLHUP = 0x10;
  static final short POLLNVAL = 0x20;

  /** struct pollfd: int fd, short events, short revents. */
  static final int POLLFD_SIZE = 8;

  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;
  static final int F_DUPFD_CLOEXEC = 1030;
  static final int EINTR = Errnos.EINTR;

  private static final long SYS_STATX = ARCH.statx;
  // The same on every architecture: see Architecture.
  private static final long SYS_OPEN_TREE = 428;
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final long SYS_OPENAT2 = 437;
  private static final long SYS_MOUNT_SETATTR = 442;

  /** struct open_how: u64 flags, u64 mode, u64 resolve. */
  static final int OPEN_HOW_SIZE = 24;

  /** struct mount_attr: u64 attr_set, attr_clr, propagation, userns_fd. */
  static final int MOUNT_ATTR_SIZE = 32;

  private static final LibC LIBC = new LibC();
  private static final Runtime RUNTIME = Runtime.getSystemRuntime();

  private Syscalls() {}

  static int errno() {
    return LibC.errno();
  }

  /**
   * A zeroed struct of {@code bytes} on the Java heap, copied in and out around each call: a direct
   * one is cut from pages jnr-ffi maps and its finalizer thread unmaps once they are unreferenced,
   * and each munmap stops the other CPUs to flush their TLBs (a pass makes thousands of structs).
   */
  static Pointer allocate(int bytes) {
    return Memory.allocate(RUNTIME, bytes);
  }

  /** {@code text} as a C string: UTF-8 and a NUL; null for null (no source for a remount). */
  private static byte[] cString(String text) {
    if (text == null) {
      return null;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(utf8, utf8.length + 1);
  }

  static int setns(int fd, int nstype) {
    return LIBC.setns(fd, nstype);
  }

  static int unshare(int flags) {
    return LIBC.unshare(flags);
  }

  static int open(String path, int flags) {
    int result;
    do {
      result = LIBC.open(cString(path), flags);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  static int eventfd(int flags) {
    return LIBC.eventfd(0, flags);
  }

  static long read(int fd, Pointer buffer, long count) {
    return LIBC.read(fd, buffer, count);
  }

  static long write(int fd, Pointer buffer, long count) {
    return LIBC.write(fd, buffer, count);
  }

  static int fchdir(int fd) {
    return LIBC.fchdir(fd);
  }

  static int close(int fd) {
    return LIBC.close(fd);
  }

  /** A new descriptor for what {@code fd} refers to, closed on exec. */
  static int dupCloexec(int fd) {
    return LIBC.fcntl(fd, F_DUPFD_CLOEXEC, 0);
  }

  static int umount2(String target, int flags) {
    int result;
    do {
      result = LIBC.umount2(cString(target), flags);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  static int mount(String source, String target, long flags) {
    int result;
    do {
      result = LIBC.mount(cString(source), cString(target), null, flags);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  /** Mounts a new instance of a device-less filesystem of {@code type} at {@code target}. */
  static int mountFilesystem(String type, String target) {
    return LIBC.mount(cString(type), cString(target), cString(type), 0);
  }

  /** Not retried on EINTR here: the caller knows whether its wait may simply end early. */
  static int poll(Pointer fds, int count, int timeoutMillis) {
    return LIBC.poll(fds, count, timeoutMillis);
  }

  static int statx(int dirFd, String path, int flags, Pointer buffer) {
    return statx(dirFd, path, flags, STATX_BASIC_STATS, buffer);
  }

  static int statx(int dirFd, String path, int flags, int mask, Pointer buffer) {
    int result;
    do {
      result = (int) LIBC.syscall(SYS_STATX, dirFd, cString(path), flags, mask, buffer);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  /** The device of what {@code fd} refers to, as major << 32 | minor, or -1 with errno set. */
  static long deviceOf(int fd, Pointer buffer) {
    if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, buffer) != 0) {
      return -1;
    }
    return deviceIn(buffer);
  }

  /** The device a filled struct statx names, as major << 32 | minor. */
  static long deviceIn(Pointer statx) {
    return (long) statx.getInt(STATX_DEV_MAJOR) << 32 | statx.getInt(STATX_DEV_MINOR) & 0xffffffffL;
  }

  /**
   * The ID of the mount {@code fd} is on, as mountinfo numbers it, or -1 with errno set; {@link
   * #deviceIn} then reads its device from {@code buffer}.
   */
  static long mountIdOf(int fd, Pointer buffer) {
    if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, buffer) != 0) {
      return -1;
    }
    return buffer.getLong(STATX_MOUNT_ID);
  }

  static int pidfdOpen(long pid) {
    return (int) LIBC.syscall(SYS_PIDFD_OPEN, pid, 0L);
  }

  static int openTree(int dirFd, String path, int flags) {
    int result;
    do {
      result = (int) LIBC.syscall(SYS_OPEN_TREE, dirFd, cString(path), flags);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  static int moveMount(int fromDirFd, String fromPath, int toDirFd, String toPath, int flags) {
    int result;
    do {
      result =
          (int)
              LIBC.syscall(
                  SYS_MOVE_MOUNT, fromDirFd, cString(fromPath), toDirFd, cString(toPath), flags);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  static int mountSetattr(int dirFd, String path, int flags, Pointer attr) {
    return (int)
        LIBC.syscall(SYS_MOUNT_SETATTR, dirFd, cString(path), flags, attr, MOUNT_ATTR_SIZE);
  }

  /** openat2 with a caller-filled struct open_how (see {@link #openHow}). */
  static int openat2(int dirFd, String path, Pointer how) {
    int result;
    do {
      result = (int) LIBC.syscall(SYS_OPENAT2, dirFd, cString(path), how, OPEN_HOW_SIZE);
    } while (result < 0 && errno() == EINTR);
    return result;
  }

  static Pointer openHow(long flags, long resolve) {
    Pointer how = allocate(OPEN_HOW_SIZE);
    how.putLong(0, flags);
    how.putLong(16, resolve);
    return how;
  }
}
