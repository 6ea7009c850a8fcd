package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.proc.LxcfsProcessFinder;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The lxcfs process serving a folder, pinned with a pidfd: found once by a scan of /proc, then kept
 * while it runs, so that every look at lxcfs does not scan every process again, and a PID reused
 * after it exited is never taken for it.
 *
 * <p>The older lxcfs processes serving the same folder at that scan are pinned too: during a
 * rolling update the old lxcfs still serves the containers bound to it, and its generation is due
 * for a swap onto the new one. A process pinned is kept while it runs, even if a younger one starts
 * later: the agent of the pod being replaced keeps its own lxcfs as the live one until it exits,
 * and leaves the new one's mounts alone, so two agents never move the same mounts at once.
 */
final class LxcfsProcessPin {
  private final ProcFs proc;
  private final LxcfsProcessFinder finder;
  private final String dir;
  private final LinuxCalls linux;
  private Pinned youngest;
  private final List<Pinned> older = new ArrayList<>();

  LxcfsProcessPin(ProcFs proc, String dir, LinuxCalls linux) {
    this.proc = proc;
    this.finder = new LxcfsProcessFinder(proc.root());
    this.dir = dir;
    this.linux = linux;
  }

  /** The PID of the lxcfs serving the folder, if one runs. */
  synchronized OptionalLong pid() throws IOException {
    if (youngest != null && youngest.alive()) {
      return OptionalLong.of(youngest.pid());
    }
    unpin();
    List<Long> serving = finder.serving(dir);
    for (long pid : serving) {
      Pinned pinned = pin(pid);
      if (pinned == null) {
        continue;
      }
      if (youngest == null) {
        youngest = pinned;
      } else {
        older.add(pinned);
      }
    }
    return youngest == null ? OptionalLong.empty() : OptionalLong.of(youngest.pid());
  }

  /** The older lxcfs processes serving the same folder that still run, pinned at the last scan. */
  synchronized List<Long> olderPids() {
    older.removeIf(
        pinned -> {
          if (pinned.alive()) {
            return false;
          }
          pinned.pidfd().close();
          return true;
        });
    return older.stream().map(Pinned::pid).toList();
  }

  /** Whether the process {@link #pid()} returned still runs (what was read of it was its own). */
  synchronized boolean stillRuns(long pid) {
    return youngest != null && youngest.pid() == pid && youngest.alive();
  }

  /** Whether the older process {@code pid} still runs (what was read of it was its own). */
  synchronized boolean olderStillRuns(long pid) {
    return older.stream().anyMatch(pinned -> pinned.pid() == pid && pinned.alive());
  }

  /** A pidfd of {@code pid} if it is still an lxcfs; null when it exited since the scan. */
  private Pinned pin(long pid) {
    Fd pidfd;
    try {
      pidfd = linux.pidfdOpen(pid);
    } catch (LinuxException e) {
      return null;
    }
    if (!proc.command(pid).equals("lxcfs")) {
      // Its PID was given to another process between the scan and the pidfd.
      pidfd.close();
      return null;
    }
    return new Pinned(pid, pidfd, linux);
  }

  private void unpin() {
    if (youngest != null) {
      youngest.pidfd().close();
      youngest = null;
    }
    older.forEach(pinned -> pinned.pidfd().close());
    older.clear();
  }

  private record Pinned(long pid, Fd pidfd, LinuxCalls linux) {
    boolean alive() {
      try {
        return linux.isAlive(pidfd);
      } catch (LinuxException e) {
        return false;
      }
    }
  }
}
