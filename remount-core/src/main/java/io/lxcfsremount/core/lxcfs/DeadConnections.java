package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.bounded.AbandonableCalls;
import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Tells, for one pass, whether an lxcfs mount that is not on the live lxcfs is dead, and only when
 * that is established: its device is a generation the agent saw at its lxcfs folder, or one an
 * older lxcfs process still serves there (a rolling update's old pod: alive, but replaced, so its
 * mounts are swapped like dead ones), or its FUSE connection answers a forced stat with ENOTCONN (a
 * live one answers; the fusectl entry of a dead one stays while binds of it remain, so it proves
 * nothing). Anything else, a live lxcfs of another instance whether the agent can see its folder or
 * not, or one that does not answer in time, is not the agent's to touch. A connection is dead or
 * alive for every mount of it: one answer per device.
 */
public final class DeadConnections {
  private final LinuxCalls linux;
  private final AbandonableCalls probes;
  private final Duration timeout;
  private final Set<Device> seen;
  private final Map<Device, Boolean> answers = new ConcurrentHashMap<>();

  /**
   * @param probes where the stats run: a wedged FUSE server never answers them
   * @param timeout how long a stat may take before its mount is left alone
   * @param seen the generations the agent has seen at its lxcfs folder, and those older lxcfs
   *     processes still serve there
   */
  public DeadConnections(
      LinuxCalls linux, AbandonableCalls probes, Duration timeout, Set<Device> seen) {
    this.linux = linux;
    this.probes = probes;
    this.timeout = timeout;
    this.seen = Set.copyOf(seen);
  }

  /** Whether {@code mount}, in the mount table of process {@code pid}, is a dead connection. */
  public boolean isDead(long pid, MountInfo mount) {
    if (seen.contains(mount.device())) {
      return true;
    }
    Boolean dead = answers.computeIfAbsent(mount.device(), device -> probe(pid, mount));
    return dead != null && dead;
  }

  /** True when dead, false when alive, null when it could not tell (not remembered). */
  private Boolean probe(long pid, MountInfo mount) {
    String target = mount.mountPoint();
    try {
      return probes.call(
          "statx " + target + " of process " + pid,
          timeout,
          () -> {
            linux.statUncached(pid, target);
            return false;
          });
    } catch (LinuxException e) {
      return e.errno() == Errnos.ENOTCONN ? true : null;
    } catch (TimeoutException e) {
      return null;
    }
  }
}
