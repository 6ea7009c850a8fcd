package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Step 1 of the reconcile pass: finds the lxcfs mount at the configured folder, and its health. */
public final class LxcfsLocator {
  /**
   * Healthy means this file, which every lxcfs serves, answers: a server that is gone answers
   * ENOTCONN, and one that is starting has mounted its folder a moment before its files exist.
   */
  private static final String HEALTH_PROBE = "/proc/meminfo";

  private final ProcFs proc;
  private final String dir;

  /**
   * @param dir the lxcfs folder as the agent sees it, absolute and without a trailing slash
   */
  public LxcfsLocator(ProcFs proc, String dir) {
    this.proc = proc;
    this.dir = dir;
  }

  public String dir() {
    return dir;
  }

  /**
   * The lxcfs mount at the folder, healthy or not; empty when no lxcfs is mounted there (not yet,
   * or not at all).
   */
  public Optional<Lxcfs> locate() throws IOException {
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
    try {
      long mountId = Linux.statUncached(dir + HEALTH_PROBE);
      return Optional.of(new Lxcfs(dir, generation, mountId, null, others));
    } catch (LinuxException e) {
      return Optional.of(new Lxcfs(dir, generation, 0, e.getMessage(), others));
    }
  }
}
