package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.MountFlags;
import jnr.ffi.Pointer;

/**
 * {@link MountFlags} in the two forms the kernel takes: mount(2) MS_* bits and struct mount_attr.
 */
final class MountAttributes {
  private static final long MOUNT_ATTR_RDONLY = 0x1;
  private static final long MOUNT_ATTR_NOSUID = 0x2;
  private static final long MOUNT_ATTR_NODEV = 0x4;
  private static final long MOUNT_ATTR_NOEXEC = 0x8;
  private static final long MOUNT_ATTR__ATIME = 0x70;
  private static final long MOUNT_ATTR_RELATIME = 0x0;
  private static final long MOUNT_ATTR_NOATIME = 0x10;
  private static final long MOUNT_ATTR_STRICTATIME = 0x20;
  private static final long MOUNT_ATTR_NODIRATIME = 0x80;

  private MountAttributes() {}

  /** The MS_* bits of a bind remount that gives a mount exactly {@code flags}. */
  static long msFlags(MountFlags flags) {
    long bits = 0;
    bits |= flags.readOnly() ? Syscalls.MS_RDONLY : 0;
    bits |= flags.noSuid() ? Syscalls.MS_NOSUID : 0;
    bits |= flags.noDev() ? Syscalls.MS_NODEV : 0;
    bits |= flags.noExec() ? Syscalls.MS_NOEXEC : 0;
    bits |= flags.noDirAccessTime() ? Syscalls.MS_NODIRATIME : 0;
    if (flags.accessTime() == MountFlags.AccessTime.NOATIME) {
      bits |= Syscalls.MS_NOATIME;
    } else if (flags.accessTime() == MountFlags.AccessTime.STRICTATIME) {
      bits |= Syscalls.MS_STRICTATIME;
    } else {
      bits |= Syscalls.MS_RELATIME;
    }
    return bits;
  }

  /**
   * A struct mount_attr that sets exactly {@code flags}: what is wanted goes in attr_set, the rest
   * in attr_clr, and the access-time mode is replaced as a whole (mount_setattr(2)). It also makes
   * the mount private: a clone of a shared lxcfs mount (systemd makes every host mount shared)
   * would otherwise join the host's peer group, and every repaired container with it, so that
   * mounting and detaching in one container would propagate into the host's lxcfs folder and into
   * the other containers (concurrent repairs then detached each other's fresh mounts).
   */
  static Pointer mountAttr(MountFlags flags) {
    long set = 0;
    set |= flags.readOnly() ? MOUNT_ATTR_RDONLY : 0;
    set |= flags.noSuid() ? MOUNT_ATTR_NOSUID : 0;
    set |= flags.noDev() ? MOUNT_ATTR_NODEV : 0;
    set |= flags.noExec() ? MOUNT_ATTR_NOEXEC : 0;
    set |= flags.noDirAccessTime() ? MOUNT_ATTR_NODIRATIME : 0;
    switch (flags.accessTime()) {
      case NOATIME -> set |= MOUNT_ATTR_NOATIME;
      case STRICTATIME -> set |= MOUNT_ATTR_STRICTATIME;
      case RELATIME -> set |= MOUNT_ATTR_RELATIME;
    }
    long all =
        MOUNT_ATTR_RDONLY
            | MOUNT_ATTR_NOSUID
            | MOUNT_ATTR_NODEV
            | MOUNT_ATTR_NOEXEC
            | MOUNT_ATTR_NODIRATIME;
    Pointer attr = Syscalls.allocate(Syscalls.MOUNT_ATTR_SIZE);
    attr.putLong(0, set);
    attr.putLong(8, (all & ~set) | MOUNT_ATTR__ATIME);
    attr.putLong(16, Syscalls.MS_PRIVATE);
    return attr;
  }
}
