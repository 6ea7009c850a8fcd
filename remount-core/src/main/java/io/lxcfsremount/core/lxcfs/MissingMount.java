package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.MountFlags;

/**
 * An lxcfs mount a container was created with and does not have: its runtime says it was given a
 * bind from the lxcfs folder at {@code target}, and no lxcfs mount is there (a detach-then-attach
 * cut short by a failure or a crash).
 *
 * @param file which lxcfs file it should show, e.g. {@code /proc/meminfo}, or {@code /}
 */
public record MissingMount(String target, String file, boolean readOnly) {

  /**
   * The flags to attach it with: those a bind of a file of lxcfs's own mount gets (lxcfs mounts
   * nosuid, nodev, relatime), read-only as the runtime says.
   */
  public MountFlags flags() {
    return new MountFlags(readOnly, true, true, false, MountFlags.AccessTime.RELATIME, false);
  }
}
