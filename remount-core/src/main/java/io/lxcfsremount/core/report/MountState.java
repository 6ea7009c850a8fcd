package io.lxcfsremount.core.report;

/** What a pass found, or did, for one lxcfs mount in a container. */
public enum MountState {
  /** Already reaches the live lxcfs. */
  HEALTHY,
  /** Reaches a dead lxcfs connection (status only: nothing was done). */
  STALE,
  /** Reaches a dead lxcfs connection and a repair would replace it (dry run). */
  WOULD_REPAIR,
  /** Was dead and now reaches the live lxcfs, verified in the container's mount table. */
  REPAIRED,
  /**
   * Was dead and locked in place (MNT_LOCKED: a namespace of a child user namespace, as in nested
   * or rootless containers): the live lxcfs now covers it, verified; the dead one stays beneath.
   */
  STACKED,
  /**
   * Should be there and is not: the container was created with a bind from the lxcfs folder at this
   * target, and no lxcfs mount is there (a detach-then-attach cut short; status and dry run only).
   */
  MISSING,
  /** Was missing and is now attached, verified in the container's mount table. */
  ATTACHED,
  /** Is still dead: the reason says which call failed, or why it cannot be repaired. */
  FAILED,
  /** Was not touched for a routine reason: the process exited, the target vanished. */
  SKIPPED;

  /**
   * Whether a mount in this state still reads {@code Transport endpoint is not connected}, or is
   * still not there.
   */
  public boolean deadAfterPass() {
    return this == STALE || this == MISSING || this == WOULD_REPAIR || this == FAILED;
  }

  /** Lower-case, with dashes: {@code would-repair}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
