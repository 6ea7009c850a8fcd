package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.bounded.AbandonableCalls;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Step 1 of the reconcile pass: finds the lxcfs mount at the configured folder, and its health. */
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

  /**
   * @param dir the lxcfs folder as the agent sees it, absolute and without a trailing slash
   * @param timeout how long the health probe may go unanswered before lxcfs counts as wedged
   */
  public LxcfsLocator(ProcFs proc, String dir, Duration timeout) {
    this.proc = proc;
    this.dir = dir;
    this.timeout = timeout;
  }

  public LxcfsLocator(ProcFs proc, String dir) {
    this(proc, dir, DEFAULT_TIMEOUT);
  }

  public String dir() {
    return dir;
  }

  /** How long the health probe may go unanswered. */
  public Duration timeout() {
    return timeout;
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
    MountTable own = MountTable.read(proc.selfMountinfo(), Lxcfs.FS_TYPE);
    Optional<MountInfo> top = own.topAt(dir).filter(m -> m.fsType().equals(Lxcfs.FS_TYPE));
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Device generation = top.get().device();
    Set<Device> others =
        own.topMounts().stream()
            .filter(m -> m.fsType().equals(Lxcfs.FS_TYPE) && m.root().equals("/"))
            .map(MountInfo::device)
            .filter(device -> !device.equals(generation))
            .collect(Collectors.toSet());
    String probe = dir + HEALTH_PROBE;
    try {
      // A wedged lxcfs leaves the statx asleep in the kernel, out of reach of any interrupt.
      long mountId =
          probesOf(generation)
              .call("statx " + probe, probeTimeout, () -> Linux.statUncached(probe));
      return Optional.of(new Lxcfs(dir, generation, mountId, null, others));
    } catch (LinuxException e) {
      return Optional.of(new Lxcfs(dir, generation, 0, e.getMessage(), others));
    } catch (TimeoutException e) {
      return Optional.of(Lxcfs.notAnswering(dir, generation, e.getMessage(), others));
    }
  }
}
