package io.lxcfsremount.core.linux;

/**
 * What became of one {@link NamespaceRebind}: done, or the system call that failed and its errno.
 *
 * @param operation the failed call ({@code setns}, {@code move_mount}, ...), or null when done
 * @param path the path that call acted on, as the container sees it
 * @param stacked done, but on top of the dead mount, which could not be detached
 */
public record RebindOutcome(String operation, String path, int errno, boolean stacked) {
  static final RebindOutcome DONE = new RebindOutcome(null, "", 0);
  static final RebindOutcome STACKED = new RebindOutcome(null, "", 0, true);

  public RebindOutcome(String operation, String path, int errno) {
    this(operation, path, errno, false);
  }

  public boolean done() {
    return operation == null;
  }

  /** The failure as one line: {@code move_mount /proc/meminfo: EINVAL (Invalid argument)}. */
  public String describe() {
    return done() ? "done" : LinuxException.describe(operation, path, errno);
  }
}
