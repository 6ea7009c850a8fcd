package io.lxcfsremount.core.mount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The mount table of one mount namespace, as a process in it sees it (its mountinfo). */
public final class MountTable {
  private final List<MountInfo> mounts;

  /** The visible mounts, worked out once: a pass looks up several targets in each table. */
  private final List<MountInfo> top;

  private final Map<String, MountInfo> topByMountPoint = new HashMap<>();

  public MountTable(List<MountInfo> mounts) {
    this.mounts = List.copyOf(mounts);
    this.top = visible(this.mounts);
    top.forEach(mount -> topByMountPoint.putIfAbsent(mount.mountPoint(), mount));
  }

  /** Every mount of the table, hidden ones included, in its order. */
  public List<MountInfo> mounts() {
    return mounts;
  }

  /** Reads {@code /proc/PID/mountinfo} or any file of that format, every mount of it. */
  public static MountTable read(Path mountinfo) throws IOException {
    return read(mountinfo, MountFilter.ALL);
  }

  /** Reads the mounts {@code filter} keeps of {@code /proc/PID/mountinfo}. */
  public static MountTable read(Path mountinfo, MountFilter filter) throws IOException {
    return new MountTable(MountinfoText.read(mountinfo).mounts(filter));
  }

  /**
   * Parses mountinfo text, only the lines {@code filter} keeps: a line of another type is looked at
   * only as far as its mount point.
   *
   * @throws IllegalArgumentException if a line that is kept is malformed
   */
  public static MountTable parse(String text, MountFilter filter) {
    return new MountTable(MountinfoText.of(text).mounts(filter));
  }

  /**
   * The mounts that are visible: at each mount point, the one no other mount at the same point was
   * mounted on. Mounts stacked below it (e.g. a dead lxcfs bind left under a newer one) are hidden.
   */
  public List<MountInfo> topMounts() {
    return top;
  }

  /** The visible mount at exactly {@code mountPoint}, if something is mounted there. */
  public Optional<MountInfo> topAt(String mountPoint) {
    return Optional.ofNullable(topByMountPoint.get(mountPoint));
  }

  private static List<MountInfo> visible(List<MountInfo> mounts) {
    Map<String, Set<Integer>> parentsByMountPoint = new HashMap<>();
    for (MountInfo mount : mounts) {
      parentsByMountPoint
          .computeIfAbsent(mount.mountPoint(), point -> new HashSet<>())
          .add(mount.parentId());
    }
    List<MountInfo> top = new ArrayList<>();
    for (MountInfo mount : mounts) {
      if (!parentsByMountPoint.get(mount.mountPoint()).contains(mount.mountId())) {
        top.add(mount);
      }
    }
    return List.copyOf(top);
  }

  /** How many mounts of {@code fsType} the table holds, hidden ones included. */
  public long count(String fsType) {
    return mounts.stream().filter(m -> m.fsType().equals(fsType)).count();
  }
}
