package io.lxcfsremount.core.mount;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The mount table of one mount namespace, as a process in it sees it (its mountinfo). */
public record MountTable(List<MountInfo> mounts) {

  public MountTable {
    mounts = List.copyOf(mounts);
  }

  /** Reads {@code /proc/PID/mountinfo} or any file of that format. */
  public static MountTable read(Path mountinfo) throws IOException {
    return parse(new StringReader(Files.readString(mountinfo)));
  }

  /**
   * Reads the part of a mount table that tells which mounts of {@code fsType} are visible: those
   * mounts, and every other mount at one of their mount points (which may hide them, or be hidden).
   * The other lines are not parsed: a pass reads the tables of hundreds of containers.
   */
  public static MountTable read(Path mountinfo, String fsType) throws IOException {
    return read(mountinfo, fsType, Set.of());
  }

  /** As {@link #read(Path, String)}, with every mount at one of {@code alsoAt} too. */
  public static MountTable read(Path mountinfo, String fsType, Set<String> alsoAt)
      throws IOException {
    String marker = " - " + fsType + " ";
    List<String> lines = Files.readString(mountinfo).lines().toList();
    List<MountInfo> mounts = new ArrayList<>();
    Set<String> points = new HashSet<>(alsoAt);
    for (String line : lines) {
      if (line.contains(marker)) {
        MountInfo mount = MountInfo.parse(line);
        mounts.add(mount);
        points.add(mount.mountPoint());
      }
    }
    for (String line : lines) {
      if (!line.contains(marker)
          && !line.isEmpty()
          && points.contains(MountInfo.mountPointOf(line))) {
        mounts.add(MountInfo.parse(line));
      }
    }
    return new MountTable(mounts);
  }

  /**
   * Parses mountinfo text.
   *
   * @throws IOException if the reader fails
   * @throws IllegalArgumentException if a line is malformed
   */
  public static MountTable parse(Reader text) throws IOException {
    List<MountInfo> mounts = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(text)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isEmpty()) {
          mounts.add(MountInfo.parse(line));
        }
      }
    }
    return new MountTable(mounts);
  }

  /**
   * The mounts that are visible: at each mount point, the one no other mount at the same point was
   * mounted on. Mounts stacked below it (e.g. a dead lxcfs bind left under a newer one) are hidden.
   */
  public List<MountInfo> topMounts() {
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
    return top;
  }

  /** The visible mount at exactly {@code mountPoint}, if something is mounted there. */
  public Optional<MountInfo> topAt(String mountPoint) {
    return topMounts().stream().filter(m -> m.mountPoint().equals(mountPoint)).findFirst();
  }

  /** How many mounts of {@code fsType} the table holds, hidden ones included. */
  public long count(String fsType) {
    return mounts.stream().filter(m -> m.fsType().equals(fsType)).count();
  }
}
