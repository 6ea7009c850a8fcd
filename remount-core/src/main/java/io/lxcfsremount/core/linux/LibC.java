package io.lxcfsremount.core.linux;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The libc entry points the agent calls, through jnr-ffi. The mount API calls are reached through
 * {@code syscall()} because glibc 2.36 has no wrappers for most of them; each overload is one
 * call's argument list (x86_64 passes these in registers whether or not the callee is variadic).
 * Paths are NUL-terminated UTF-8 ({@link Syscalls} makes them): jnr-ffi's own conversion of a
 * String costs a CharBuffer, an encoder and two ByteBuffers per argument, and a re-bind passes
 * several. Public only because jnr-ffi implements it in a class loader of its own; nothing outside
 * this package uses it.
 */
public interface LibC {
  int setns(int fd, int nstype);

  int unshare(int flags);

  int umount2(@In byte[] target, int flags);

  int mount(
      @In byte[] source, @In byte[] target, @In byte[] filesystemType, long flags, Pointer data);

  int open(@In byte[] path, int flags);

  int fchdir(int fd);

  int eventfd(int initialValue, int flags);

  long read(int fd, Pointer buffer, long count);

  long write(int fd, Pointer buffer, long count);

  int close(int fd);

  /** fcntl(fd, cmd, arg) with an integer argument (F_DUPFD_CLOEXEC). */
  int fcntl(int fd, int cmd, int arg);

  int poll(Pointer fds, long count, int timeoutMillis);

  /** pidfd_open(pid, flags). */
  long syscall(long number, long pid, long flags);

  /** open_tree(dfd, path, flags). */
  long syscall(long number, int dirFd, @In byte[] path, int flags);

  /** move_mount(from_dfd, from_path, to_dfd, to_path, flags). */
  long syscall(
      long number, int fromDirFd, @In byte[] fromPath, int toDirFd, @In byte[] toPath, int flags);

  /** mount_setattr(dfd, path, flags, attr, size). */
  long syscall(long number, int dirFd, @In byte[] path, int flags, Pointer attr, long size);

  /** openat2(dfd, path, how, size). */
  long syscall(long number, int dirFd, @In byte[] path, Pointer how, long size);

  /** statx(dfd, path, flags, mask, buffer). */
  long syscall(long number, int dirFd, @In byte[] path, int flags, int mask, Pointer buffer);
}
