package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.List;

/**
 * The system calls a reconcile pass makes, as one interface: {@link #jnr()} makes them, a test may
 * wrap it to inject a fault (a failed attach, EINVAL, ENOENT) where the kernel would not give one.
 */
public interface LinuxCalls {

  /** The real calls, through jffi ({@link LibC}). */
  static LinuxCalls jnr() {
    return JnrLinuxCalls.INSTANCE;
  }

  /**
   * Pins a process: the pidfd keeps referring to it even after its PID is reused.
   *
   * @throws LinuxException ESRCH when the process no longer exists
   */
  Fd pidfdOpen(long pid) throws LinuxException;

  /** Whether the process behind {@code pidfd} still runs; needs no permission over it. */
  boolean isAlive(Fd pidfd) throws LinuxException;

  /**
   * A detached, private copy of the mount at {@code path} (open_tree with OPEN_TREE_CLONE) with
   * exactly {@code flags}, ready to be attached elsewhere.
   *
   * @throws LinuxException naming open_tree or mount_setattr
   */
  Fd cloneMount(String path, MountFlags flags) throws LinuxException;

  /**
   * As {@link #cloneMount}, for each of {@code mounts} as the process behind {@code pidfd} sees
   * them, in one visit to its mount namespace ({@link NamespaceClone}): the clones can be attached
   * in any namespace.
   *
   * @return one per mount, in the same order: its clone, or a failure naming setns, open_tree or
   *     mount_setattr
   */
  List<Cloned> cloneMountsIn(Fd pidfd, List<MountToClone> mounts);

  /**
   * The device of the filesystem behind {@code fd} ({@code path} names it in errors).
   *
   * @throws LinuxException naming statx
   */
  Device deviceOf(Fd fd, String path) throws LinuxException;

  /**
   * Asks the filesystem at {@code path} for its attributes, bypassing every cache (a dead FUSE
   * connection answers ENOTCONN at once, a wedged one never answers).
   *
   * @return the ID of the mount {@code path} is on
   * @throws LinuxException naming statx and its errno
   */
  long statUncached(String path) throws LinuxException;

  /**
   * Asks the filesystem mounted at {@code target}, as the process {@code pid} sees it (through its
   * /proc/PID/root, no symlink followed), for its attributes, bypassing every cache: a dead FUSE
   * connection answers ENOTCONN at once.
   *
   * @throws LinuxException naming the call that failed and its errno
   */
  void statUncached(long pid, String target) throws LinuxException;

  /**
   * Performs {@code rebinds}, in order, in the mount namespace of the process behind {@code pidfd}
   * ({@link MountNamespaceThread}); never throws: each failure is an outcome.
   *
   * @return one outcome per rebind, in the same order
   */
  List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds);

  /**
   * Starts namespace threads ahead of the visits of {@link #cloneMountsIn} and {@link
   * #inNamespace}, until {@code count} are alive; those not given a visit within {@code idleFor}
   * end.
   */
  void readyNamespaceThreads(int count, Duration idleFor);
}
