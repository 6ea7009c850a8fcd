package io.lxcfsremount.core.linux;

import java.time.Duration;
import jnr.ffi.Pointer;

/**
 * Wakes up when the agent's mount table changes: poll() on an open /proc/self/mountinfo reports
 * POLLPRI once for every change since the last report (proc(5)). Nothing is read, nothing spins.
 */
public final class MountTableEvents implements AutoCloseable {
  private static final int POLLFD_SIZE = 8;

  private final Fd mountinfo;
  private final Pointer pollFd;

  private MountTableEvents(Fd mountinfo) {
    this.mountinfo = mountinfo;
    this.pollFd = Syscalls.allocate(POLLFD_SIZE);
    pollFd.putInt(0, mountinfo.number());
    pollFd.putShort(4, Syscalls.POLLPRI);
  }

  /** Starts listening for changes of the mount table behind {@code path} (a mountinfo file). */
  public static MountTableEvents open(String path) throws LinuxException {
    int fd = Syscalls.open(path, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
    if (fd < 0) {
      throw new LinuxException("open", path, Syscalls.errno());
    }
    return new MountTableEvents(new Fd(fd));
  }

  /**
   * Waits until the mount table has changed since the last call (or since opening), or the timeout.
   *
   * @return true when it changed
   */
  public boolean await(Duration timeout) throws LinuxException {
    pollFd.putShort(6, (short) 0);
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
    int ready = Syscalls.poll(pollFd, 1, timeoutMillis);
    if (ready < 0) {
      int errno = Syscalls.errno();
      if (errno == Syscalls.EINTR) {
        return false;
      }
      throw new LinuxException("poll", "/proc/self/mountinfo", errno);
    }
    return ready > 0 && (pollFd.getShort(6) & Syscalls.POLLPRI) != 0;
  }

  @Override
  public void close() {
    mountinfo.close();
  }
}
