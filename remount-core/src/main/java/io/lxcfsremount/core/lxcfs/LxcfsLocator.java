package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.bounded.AbandonableCalls;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.lxcfs.Lxcfs.Health;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Step 1 of the reconcile pass: finds the lxcfs mount at the configured folder, and its health.
 *
 * <p>It looks in the mount table of the lxcfs process serving the folder, not in the agent's own:
 * the agent's container need not mount any folder of the host (the host's /var/lib holds kubelet's
 * credentials and every pod's secrets), and lxcfs may run in a mount namespace of its own (a
 * DaemonSet pod) whose mounts no other namespace sees. When lxcfs runs in the agent's own mount
 * namespace (systemd on the host), or no lxcfs process is found, the agent's own table is that
 * table.
 */
public final class LxcfsLocator {
  /**
   * Healthy means this file, which every lxcfs serves, answers: a server that is gone answers
   * ENOTCONN, and one that is starting has mounted its folder a moment before its files exist.
   */
  private static final String HEALTH_PROBE = "/proc/meminfo";

  /** How long a probe may take by default: lxcfs answers a stat in microseconds, even when busy. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  /**
   * How many probes may still be stuck in one wedged lxcfs before the next one to it is refused.
   * They come back when its connection ends (the process is killed, or aborted through fusectl).
   * Counted per generation, so that a wedged lxcfs left behind never keeps the next from being
   * probed.
   */
  private static final int MAX_STUCK_PROBES = 4;

  private final ProcFs proc;
  private final String dir;
  private final Duration timeout;
  private final Map<Device, AbandonableCalls> probes = new ConcurrentHashMap<>();
  private final LxcfsProcessPin process;
  private final LinuxCalls linux;

  /**
   * @param dir the lxcfs folder as the lxcfs process sees it (on a node: the host's path), absolute
   *     and without a trailing slash
   * @param timeout how long the health probe may go unanswered before lxcfs counts as wedged
   */
  public LxcfsLocator(ProcFs proc, String dir, Duration timeout, LinuxCalls linux) {
    this.proc = proc;
    this.dir = dir;
    this.timeout = timeout;
    this.linux = linux;
    this.process = new LxcfsProcessPin(proc, dir, linux);
  }

  public String dir() {
    return dir;
  }

  /** How long the health probe may go unanswered. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The PID of the lxcfs process serving the folder, if one runs: the one pinned when lxcfs was
   * last located (no scan of /proc while it runs).
   */
  public OptionalLong servingPid() throws IOException {
    return process.pid();
  }

  /** Health probes given up on that are still stuck in a wedged lxcfs. */
  public int stuckProbes() {
    return probes.values().stream().mapToInt(AbandonableCalls::stuck).sum();
  }

  private AbandonableCalls probesOf(Device generation) {
    probes.entrySet().removeIf(e -> !e.getKey().equals(generation) && e.getValue().stuck() == 0);
    return probes.computeIfAbsent(
        generation, g -> new AbandonableCalls("lxcfs-probe", MAX_STUCK_PROBES));
  }

  /**
   * The lxcfs mount at the folder, healthy, dead or not answering; empty when no lxcfs is mounted
   * there (not yet, or not at all).
   */
  public Optional<Lxcfs> locate() throws IOException {
    return locate(timeout);
  }

  /** As {@link #locate()}, giving the health probe at most {@code probeTimeout}. */
  public Optional<Lxcfs> locate(Duration probeTimeout) throws IOException {
    View view = view();
    MountTable table = view.table();
    Optional<MountInfo> top = table.topAt(dir).filter(m -> m.fsType().equals(Lxcfs.FS_TYPE));
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Device generation = top.get().device();
    Set<Device> superseded = superseded(generation);
    Set<Device> others =
        table.topMounts().stream()
            .filter(m -> m.fsType().equals(Lxcfs.FS_TYPE) && m.root().equals("/"))
            .map(MountInfo::device)
            .filter(device -> !device.equals(generation) && !superseded.contains(device))
            .collect(Collectors.toSet());
    String probe = view.root() + dir + HEALTH_PROBE;
    try {
      // A wedged lxcfs leaves the statx asleep in the kernel, out of reach of any interrupt.
      long mountId =
          probesOf(generation)
              .call("statx " + probe, probeTimeout, () -> linux.statUncached(probe));
      return Optional.of(
          new Lxcfs(
              dir, generation, mountId, Health.HEALTHY, null, others, view.process(), superseded));
    } catch (LinuxException e) {
      return Optional.of(
          new Lxcfs(
              dir,
              generation,
              0,
              Health.FAILING,
              e.getMessage(),
              others,
              view.process(),
              superseded));
    } catch (TimeoutException e) {
      return Optional.of(
          new Lxcfs(
              dir,
              generation,
              0,
              Health.NOT_ANSWERING,
              e.getMessage(),
              others,
              view.process(),
              superseded));
    }
  }

  /**
   * The generations older lxcfs processes serving the folder still show there, in their own mount
   * tables: each was the live lxcfs until a younger one took over the folder (a rolling update
   * starts the new pod before it stops the old one), still serves the containers bound to it, and
   * is gone once its process exits. That is established, not guessed: the same folder, an older
   * process, still running after its table was read.
   */
  private Set<Device> superseded(Device generation) {
    Set<Device> superseded = new HashSet<>();
    for (long pid : process.olderPids()) {
      try {
        MountTable theirs = MountTable.read(proc.mountinfo(pid), Lxcfs.MOUNTS);
        theirs
            .topAt(dir)
            .filter(m -> m.fsType().equals(Lxcfs.FS_TYPE))
            .map(MountInfo::device)
            .filter(device -> !device.equals(generation) && process.olderStillRuns(pid))
            .ifPresent(superseded::add);
      } catch (IOException e) {
        // It exited while its table was read: its mounts are dead, found as such.
      }
    }
    return superseded;
  }

  /**
   * The mount table to find lxcfs in: its process's, when that runs in another mount namespace and
   * shows an lxcfs mount at the folder; else the agent's own.
   */
  private View view() throws IOException {
    OptionalLong pid = process.pid();
    if (pid.isPresent() && !inOwnNamespace(pid.getAsLong())) {
      try {
        MountTable theirs = MountTable.read(proc.mountinfo(pid.getAsLong()), Lxcfs.MOUNTS);
        if (process.stillRuns(pid.getAsLong())
            && theirs.topAt(dir).filter(m -> m.fsType().equals(Lxcfs.FS_TYPE)).isPresent()) {
          String root =
              proc.root().resolve(Long.toString(pid.getAsLong())).resolve("root").toString();
          return new View(theirs, pid, root);
        }
      } catch (IOException e) {
        // It exited while its table was read.
      }
    }
    return new View(MountTable.read(proc.selfMountinfo(), Lxcfs.MOUNTS), OptionalLong.empty(), "");
  }

  private boolean inOwnNamespace(long pid) {
    OptionalLong theirs = proc.mountNamespace(Long.toString(pid));
    return theirs.isEmpty() || theirs.equals(proc.mountNamespace("self"));
  }

  /**
   * A mount table, the process whose namespace it is (empty: the agent's own), and where that
   * namespace's paths are seen from the agent's (its /proc/PID/root; "" for the agent's own).
   */
  private record View(MountTable table, OptionalLong process, String root) {}
}
