package io.lxcfsremount.core.linux;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import jnr.ffi.Pointer;

/**
 * What the watcher sleeps on, in one poll(): a change of a mount table (an open /proc/PID/mountinfo
 * reports POLLPRI once for every change of that process's mount namespace since the last report,
 * proc(5): the agent's own, or the lxcfs process's), the exit of the lxcfs process (its pidfd
 * becomes readable, pidfd_open(2)), and a wake-up from another thread (an eventfd), so that
 * stopping never waits for a timeout. Nothing is read, nothing spins.
 */
public final class WatchEvents implements AutoCloseable {

  /** Why {@link #await} returned. */
  public enum Event {
    MOUNTS_CHANGED,
    PROCESS_EXITED,
    WOKEN_UP
  }

  private static final int MOUNTS = 0;
  private static final int WAKE = 1;
  private static final int PROCESS = 2;

  private Fd mountinfo;
  private String mountinfoPath;
  private final Fd wake;
  private final Pointer pollFds = Syscalls.allocate(3 * Syscalls.POLLFD_SIZE);
  private final Pointer counter = Syscalls.allocate(8);
  private Fd process;

  private WatchEvents(Fd mountinfo, String mountinfoPath, Fd wake) {
    this.mountinfo = mountinfo;
    this.mountinfoPath = mountinfoPath;
    this.wake = wake;
    slot(MOUNTS, mountinfo.number(), Syscalls.POLLPRI);
    slot(WAKE, wake.number(), Syscalls.POLLIN);
    slot(PROCESS, -1, Syscalls.POLLIN);
  }

  /** Starts listening for changes of the mount table behind {@code mountinfoPath}. */
  public static WatchEvents open(String mountinfoPath) throws LinuxException {
    Fd fd = openMountinfo(mountinfoPath);
    int wake = Syscalls.eventfd(Syscalls.EFD_NONBLOCK | Syscalls.EFD_CLOEXEC);
    if (wake < 0) {
      int errno = Syscalls.errno();
      fd.close();
      throw new LinuxException("eventfd", "", errno);
    }
    return new WatchEvents(fd, mountinfoPath, new Fd(wake));
  }

  private static Fd openMountinfo(String path) throws LinuxException {
    int fd = Syscalls.open(path, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
    if (fd < 0) {
      throw new LinuxException("open", path, Syscalls.errno());
    }
    return new Fd(fd);
  }

  /**
   * Wakes on changes of the mount table behind {@code path} instead of the one watched before (the
   * table lxcfs was found in); a no-op when it is the same path.
   */
  public synchronized void watchMounts(String path) throws LinuxException {
    if (path.equals(mountinfoPath)) {
      return;
    }
    Fd opened = openMountinfo(path);
    mountinfo.close();
    mountinfo = opened;
    mountinfoPath = path;
    slot(MOUNTS, opened.number(), Syscalls.POLLPRI);
  }

  /**
   * Also wakes when the process behind {@code pidfd} exits; replaces (and closes) the one watched
   * before. Null watches no process.
   */
  public synchronized void watchProcess(Fd pidfd) {
    if (process != null) {
      process.close();
    }
    process = pidfd;
    slot(PROCESS, pidfd == null ? -1 : pidfd.number(), Syscalls.POLLIN);
  }

  /** Makes a waiting (or the next) {@link #await} return {@link Event#WOKEN_UP}. Thread-safe. */
  public void wakeUp() {
    Pointer one = Syscalls.allocate(8);
    one.putLong(0, 1);
    Syscalls.write(wake.number(), one, 8);
  }

  /**
   * Sleeps until something happens or {@code timeout} passes.
   *
   * @return what happened; empty on timeout
   */
  public Set<Event> await(Duration timeout) throws LinuxException {
    for (int i = 0; i < 3; i++) {
      pollFds.putShort(i * Syscalls.POLLFD_SIZE + 6, (short) 0);
    }
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
    int ready = Syscalls.poll(pollFds, 3, timeoutMillis);
    Set<Event> events = EnumSet.noneOf(Event.class);
    if (ready < 0) {
      int errno = Syscalls.errno();
      if (errno == Syscalls.EINTR) {
        return events;
      }
      throw new LinuxException("poll", mountinfoPath, errno);
    }
    if (fired(MOUNTS, Syscalls.POLLPRI)) {
      events.add(Event.MOUNTS_CHANGED);
    }
    if (fired(WAKE, Syscalls.POLLIN)) {
      Syscalls.read(wake.number(), counter, 8);
      events.add(Event.WOKEN_UP);
    }
    if (fired(PROCESS, Syscalls.POLLIN)) {
      events.add(Event.PROCESS_EXITED);
      watchProcess(null);
    }
    return events;
  }

  private boolean fired(int slot, short event) {
    return (pollFds.getShort(slot * Syscalls.POLLFD_SIZE + 6) & event) != 0;
  }

  private void slot(int slot, int fd, short events) {
    pollFds.putInt(slot * Syscalls.POLLFD_SIZE, fd);
    pollFds.putShort(slot * Syscalls.POLLFD_SIZE + 4, events);
  }

  @Override
  public synchronized void close() {
    watchProcess(null);
    mountinfo.close();
    wake.close();
  }
}
