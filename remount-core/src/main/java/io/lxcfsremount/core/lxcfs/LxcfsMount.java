package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Step 3 of the reconcile pass: an lxcfs mount in a container, and whether it still reaches the
 * live lxcfs.
 *
 * @param mount the visible (top) mount at its target
 * @param stale true when its connection is dead (or lxcfs itself is down)
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
   * The visible lxcfs mounts of {@code table} that are on {@code lxcfs}, or on a connection that
   * {@code dead} establishes is dead; live mounts of other lxcfs instances, and mounts that are not
   * lxcfs, are left out.
   */
  public static List<LxcfsMount> in(MountTable table, Lxcfs lxcfs, Predicate<MountInfo> dead) {
    List<LxcfsMount> mounts = new ArrayList<>();
    for (MountInfo mount : table.topMounts()) {
      if (!mount.fsType().equals(Lxcfs.FS_TYPE)
          || lxcfs.otherInstances().contains(mount.device())) {
        continue;
      }
      if (mount.device().equals(lxcfs.generation())) {
        mounts.add(new LxcfsMount(mount, !lxcfs.healthy()));
      } else if (dead.test(mount)) {
        mounts.add(new LxcfsMount(mount, true));
      }
    }
    return mounts;
  }

  /**
   * Where the live lxcfs folder itself is visible inside the container (propagated into it), which
   * the classic strategy binds from.
   */
  public static Optional<String> liveFolder(MountTable table, Lxcfs lxcfs) {
    return table.topMounts().stream()
        .filter(m -> lxcfs.healthy() && m.fsType().equals(Lxcfs.FS_TYPE))
        .filter(m -> m.device().equals(lxcfs.generation()) && m.root().equals("/"))
        .map(MountInfo::mountPoint)
        .findFirst();
  }
}
