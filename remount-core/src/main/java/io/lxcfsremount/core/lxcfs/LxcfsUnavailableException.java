package io.lxcfsremount.core.lxcfs;

/** No lxcfs is mounted at the configured folder, or the one there does not answer. */
public class LxcfsUnavailableException extends Exception {
  private final boolean mounted;

  public LxcfsUnavailableException(String message, boolean mounted) {
    super(message);
    this.mounted = mounted;
  }

  /** Whether an lxcfs mount exists at the folder (dead) rather than none at all. */
  public boolean mounted() {
    return mounted;
  }
}
