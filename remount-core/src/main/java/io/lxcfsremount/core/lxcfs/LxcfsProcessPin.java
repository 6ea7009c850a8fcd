package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.proc.LxcfsProcessFinder;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * The lxcfs process serving a folder, pinned with a pidfd: found once by a scan of /proc, then kept
 * while it runs, so that every look at lxcfs does not scan every process again, and a PID reused
 * after it exited is never taken for it.
 */
final class LxcfsProcessPin {
  private final ProcFs proc;
  private final LxcfsProcessFinder finder;
  private final String dir;
  private final LinuxCalls linux;
  private long pid;
  private Fd pidfd;

  LxcfsProcessPin(ProcFs proc, String dir, LinuxCalls linux) {
    this.proc = proc;
    this.finder = new LxcfsProcessFinder(proc.root());
    this.dir = dir;
    this.linux = linux;
  }

  /** The PID of the lxcfs serving the folder, if one runs. */
  synchronized OptionalLong pid() throws IOException {
    if (pidfd != null && alive()) {
      return OptionalLong.of(pid);
    }
    unpin();
    OptionalLong found = finder.find(dir);
    if (found.isEmpty()) {
      return found;
    }
    try {
      pidfd = linux.pidfdOpen(found.getAsLong());
    } catch (LinuxException e) {
      // It exited since the scan.
      return OptionalLong.empty();
    }
    pid = found.getAsLong();
    if (!proc.command(pid).equals("lxcfs")) {
      // Its PID was given to another process between the scan and the pidfd.
      unpin();
      return OptionalLong.empty();
    }
    return OptionalLong.of(pid);
  }

  /** Whether the process {@link #pid()} returned still runs (what was read of it was its own). */
  synchronized boolean stillRuns(long pid) {
    return pidfd != null && this.pid == pid && alive();
  }

  private boolean alive() {
    try {
      return linux.isAlive(pidfd);
    } catch (LinuxException e) {
      return false;
    }
  }

  private void unpin() {
    if (pidfd != null) {
      pidfd.close();
      pidfd = null;
    }
  }
}
