package io.lxcfsremount.core.linux;

/**
 * What became of one {@link NamespaceRebind}: done, or the system call that failed, in runc's
 * words: its operation, source, target, flags and errno. Built on a namespace thread, so from
 * constants and the rebind's own strings only; the words are put together later, by {@link
 * #describe}.
 *
 * @param operation the failed call ({@code setns}, {@code move_mount}, ...), or null when done
 * @param source what the call mounted: a path, {@link #CLONE}, or null for a call without one
 * @param path the path that call acted on, as the container sees it
 * @param flags the call's flags by name, or an empty string
 * @param stacked done, but on top of the dead mount, which could not be detached
 */
public record RebindOutcome(
    String operation, String source, String path, String flags, int errno, boolean stacked) {
  static final RebindOutcome DONE = new RebindOutcome(null, "", 0);
  static final RebindOutcome STACKED = new RebindOutcome(null, null, "", "", 0, true);

  /** The source of a call that attached the clone of an lxcfs file; the caller knows which. */
  public static final String CLONE = "clone";

  /** A failed call that took no source and no flags. */
  public RebindOutcome(String operation, String path, int errno) {
    this(operation, null, path, "", errno, false);
  }

  /** A failed call that mounted {@code source} at {@code path}. */
  public static RebindOutcome mounting(
      String operation, String source, String path, String flags, int errno) {
    return new RebindOutcome(operation, source, path, flags, errno, false);
  }

  public boolean done() {
    return operation == null;
  }

  /** The failure as one line, as {@link #describe(String)} without naming the clone's file. */
  public String describe() {
    return describe(CLONE);
  }

  /**
   * The failure as one line, in runc's form for a call that mounts: {@code move_mount
   * src=/var/lib/lxcfs/proc/meminfo dst=/proc/meminfo flags=MOVE_MOUNT_BENEATH: EINVAL (Invalid
   * argument)}; else {@code openat2 /proc/meminfo: ENOENT (No such file or directory)}.
   *
   * @param cloneOf the lxcfs file the clone was taken from
   */
  public String describe(String cloneOf) {
    if (done()) {
      return "done";
    }
    if (source == null && flags.isEmpty()) {
      return LinuxException.describe(operation, path, errno);
    }
    StringBuilder call = new StringBuilder(operation);
    if (source != null) {
      call.append(" src=").append(source.equals(CLONE) ? cloneOf : source);
    }
    call.append(" dst=").append(path);
    if (!flags.isEmpty()) {
      call.append(" flags=").append(flags);
    }
    return LinuxException.describe(call.toString(), "", errno);
  }
}
