package io.lxcfsremount.core.mount;

/**
 * The per-mount flags a re-bind must keep: what mountinfo's field 6 says of one mount. Access-time
 * handling is one of three modes; without {@code relatime} or {@code noatime} it is strict.
 */
public record MountFlags(
    boolean readOnly,
    boolean noSuid,
    boolean noDev,
    boolean noExec,
    AccessTime accessTime,
    boolean noDirAccessTime) {

  /** The access-time mode of a mount. */
  public enum AccessTime {
    RELATIME,
    NOATIME,
    STRICTATIME
  }

  /** The flags of {@code mount}, from its per-mount options. */
  public static MountFlags of(MountInfo mount) {
    AccessTime accessTime =
        mount.hasOption("noatime")
            ? AccessTime.NOATIME
            : mount.hasOption("relatime") ? AccessTime.RELATIME : AccessTime.STRICTATIME;
    return new MountFlags(
        mount.hasOption("ro"),
        mount.hasOption("nosuid"),
        mount.hasOption("nodev"),
        mount.hasOption("noexec"),
        accessTime,
        mount.hasOption("nodiratime"));
  }
}
