package io.lxcfsremount.core.mount;

import java.util.HashSet;
import java.util.Set;

/**
 * Which lines of a mount table a read parses. A pass reads the tables of hundreds of containers and
 * needs a few lines of each: the mounts of one filesystem type, and every other mount at one of
 * their mount points or at a path of its own (which may hide them, or be hidden by them).
 *
 * @param fsType the filesystem type to keep, or null to keep every mount
 * @param alsoAt mount points whose mounts are kept whatever their type
 */
public record MountFilter(String fsType, Set<String> alsoAt) {
  /** Every mount. */
  public static final MountFilter ALL = new MountFilter(null, Set.of());

  public MountFilter {
    alsoAt = Set.copyOf(alsoAt);
  }

  /** The mounts of {@code fsType}, and every mount at their mount points. */
  public static MountFilter ofType(String fsType) {
    return new MountFilter(fsType, Set.of());
  }

  /** This filter, keeping every mount at one of {@code points} too. */
  public MountFilter alsoAt(Set<String> points) {
    Set<String> union = new HashSet<>(alsoAt);
    union.addAll(points);
    return new MountFilter(fsType, union);
  }

  boolean keepsAll() {
    return fsType == null;
  }
}
