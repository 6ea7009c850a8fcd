package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.util.List;
import java.util.Optional;

/**
 * Step 3 of the reconcile pass: an lxcfs mount in a container, and whether it still reaches the
 * live lxcfs.
 *
 * @param mount the visible (top) mount at its target
 * @param stale true when it belongs to an older lxcfs connection (or lxcfs itself is down)
 */
public record LxcfsMount(MountInfo mount, boolean stale) {

  /** Where it sits in the container, e.g. {@code /proc/meminfo}. */
  public String target() {
    return mount.mountPoint();
  }

  /** Which lxcfs file it shows, e.g. {@code /proc/meminfo}, or {@code /} for the whole folder. */
  public String file() {
    return mount.root();
  }

  public MountFlags flags() {
    return MountFlags.of(mount);
  }

  /**
   * The visible lxcfs mounts of {@code table} that belong to {@code lxcfs} or to an older
   * connection of it; mounts of other lxcfs instances, and mounts that are not lxcfs, are left out.
   */
  public static List<LxcfsMount> in(MountTable table, Lxcfs lxcfs) {
    return table.topMounts().stream()
        .filter(m -> m.fsType().equals(Lxcfs.FS_TYPE))
        .filter(m -> !lxcfs.otherInstances().contains(m.device()))
        .map(m -> new LxcfsMount(m, !lxcfs.healthy() || !m.device().equals(lxcfs.generation())))
        .toList();
  }

  /**
   * Where the live lxcfs folder itself is visible inside the container (propagated into it), which
   * the classic strategy binds from.
   */
  public static Optional<String> liveFolder(MountTable table, Lxcfs lxcfs) {
    return in(table, lxcfs).stream()
        .filter(m -> !m.stale() && m.file().equals("/"))
        .map(LxcfsMount::target)
        .findFirst();
  }
}
