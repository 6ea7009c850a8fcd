package io.lxcfsremount.core.linux;

/** How a dead lxcfs mount is replaced inside a container's mount namespace (DESIGN.md, step 4). */
public enum Strategy {
  /**
   * Kernel 6.5+: the fresh clone is moved beneath the dead mount ({@code MOVE_MOUNT_BENEATH}), then
   * the dead one is detached. Readers never see the file underneath, and nothing stale stays.
   */
  ATOMIC_SWAP("atomic-swap"),
  /**
   * Kernel 5.12-6.4: detach the dead mount, then attach the fresh clone in its place. A target
   * detached and not attached again is found as missing by the next pass.
   */
  DETACH_ATTACH("detach-attach"),
  /**
   * Without the new mount API: detach, then {@code mount(MS_BIND)} from the lxcfs folder as the
   * container itself sees it, so it works only where that folder is propagated into the container.
   */
  CLASSIC("classic");

  private final String cliName;

  Strategy(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line and in reports. */
  public String cliName() {
    return cliName;
  }

  /**
   * Whether this strategy needs open_tree, move_mount and mount_setattr (kernel 5.12+, not blocked
   * by seccomp).
   */
  public boolean usesMountApi() {
    return this != CLASSIC;
  }

  /**
   * The strategy named {@code name} on the command line.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Strategy ofCliName(String name) {
    for (Strategy strategy : values()) {
      if (strategy.cliName.equals(name)) {
        return strategy;
      }
    }
    throw new IllegalArgumentException(
        "unknown strategy '" + name + "' (expected atomic-swap, detach-attach or classic)");
  }

  @Override
  public String toString() {
    return cliName;
  }
}
