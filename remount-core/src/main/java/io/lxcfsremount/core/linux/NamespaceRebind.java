package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;

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
 */
public record NamespaceRebind(
    Strategy strategy,
    String target,
    Fd tree,
    String source,
    MountFlags flags,
    Device sourceDevice) {

  /** A swap or detach-attach of {@code tree} at {@code target}. */
  public static NamespaceRebind ofTree(Strategy strategy, String target, Fd tree) {
    return new NamespaceRebind(strategy, target, tree, null, null, null);
  }

  /**
   * A classic bind of {@code source} (on {@code device}) at {@code target}, remounted with {@code
   * flags}.
   */
  public static NamespaceRebind classic(
      String target, String source, MountFlags flags, Device device) {
    return new NamespaceRebind(Strategy.CLASSIC, target, null, source, flags, device);
  }

  long sourceDeviceNumber() {
    return (long) sourceDevice.major() << 32 | sourceDevice.minor() & 0xffffffffL;
  }

  String parent() {
    int slash = target.lastIndexOf('/');
    return slash == 0 ? "/" : target.substring(0, slash);
  }

  String name() {
    return target.substring(target.lastIndexOf('/') + 1);
  }
}
