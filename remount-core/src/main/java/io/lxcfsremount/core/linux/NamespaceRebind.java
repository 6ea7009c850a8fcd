package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountInfo;

/**
 * One dead mount to replace inside a container's mount namespace.
 *
 * @param strategy how to replace it
 * @param target where the dead mount sits, as the container sees it (an absolute path)
 * @param tree a detached clone of the live lxcfs file (open_tree), for the mount-API strategies
 * @param source where the live lxcfs file is visible inside the container, for {@link
 *     Strategy#CLASSIC}
 * @param flags the flags to restore with a remount after a classic bind
 * @param sourceDevice the device {@code source} must be on (the live lxcfs), checked before the
 *     dead mount is detached
 * @param mountId the ID of the dead mount as the pass read it: only that mount is replaced, and
 *     never another that took its place since; 0 for a missing mount, where the fresh one is only
 *     attached
 * @param mountDevice the device of the dead mount as the pass read it: mount IDs are reused (before
 *     kernel 6.8 mountinfo shows no other), a mount ID on another device is another mount
 */
public record NamespaceRebind(
    Strategy strategy,
    String target,
    Fd tree,
    String source,
    MountFlags flags,
    Device sourceDevice,
    int mountId,
    Device mountDevice) {

  /** A swap or detach-attach of {@code tree} at {@code target}, replacing {@code dead}. */
  public static NamespaceRebind ofTree(Strategy strategy, String target, Fd tree, MountInfo dead) {
    return new NamespaceRebind(
        strategy, target, tree, null, null, null, dead.mountId(), dead.device());
  }

  /** An attach of {@code tree} at {@code target}, where no mount is. */
  public static NamespaceRebind attach(String target, Fd tree) {
    return new NamespaceRebind(Strategy.DETACH_ATTACH, target, tree, null, null, null, 0, null);
  }

  /**
   * A classic bind of {@code source} (on {@code device}) at {@code target}, remounted with {@code
   * flags}, replacing {@code dead} (null for a missing mount).
   */
  public static NamespaceRebind classic(
      String target, String source, MountFlags flags, Device device, MountInfo dead) {
    return new NamespaceRebind(
        Strategy.CLASSIC,
        target,
        null,
        source,
        flags,
        device,
        dead == null ? 0 : dead.mountId(),
        dead == null ? null : dead.device());
  }

  /** The same rebind with another descriptor of the clone (a namespace thread's own copy). */
  NamespaceRebind withTree(Fd copy) {
    return new NamespaceRebind(
        strategy, target, copy, source, flags, sourceDevice, mountId, mountDevice);
  }

  /** Whether there is a dead mount to detach: not for a missing one. */
  boolean replaces() {
    return mountId != 0;
  }

  long sourceDeviceNumber() {
    return number(sourceDevice);
  }

  long mountDeviceNumber() {
    return number(mountDevice);
  }

  private static long number(Device device) {
    return (long) device.major() << 32 | device.minor() & 0xffffffffL;
  }

  String parent() {
    int slash = target.lastIndexOf('/');
    return slash == 0 ? "/" : target.substring(0, slash);
  }

  String name() {
    return target.substring(target.lastIndexOf('/') + 1);
  }
}
