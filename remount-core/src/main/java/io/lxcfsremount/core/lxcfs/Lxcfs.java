package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.Device;
import java.util.Set;

/**
 * The lxcfs mount the agent serves, as found in the mount table of the lxcfs process (or, when
 * lxcfs runs in the agent's own mount namespace or is not found, in the agent's own).
 *
 * @param dir where it is mounted, e.g. {@code /var/lib/lxcfs}
 * @param generation its device number: every lxcfs start mounts a new FUSE connection, with a new
 *     one (but a number freed by a connection that is gone may be given to the next)
 * @param mountId the ID of its mount, never reused on kernel 6.8+: with the generation, what tells
 *     one lxcfs start from the next; 0 while it does not answer
 * @param problem why it cannot serve (e.g. {@code stat /var/lib/lxcfs: ENOTCONN ...}), or null
 * @param otherInstances devices of other lxcfs instances mounted elsewhere, whose mounts in
 *     containers are theirs and not stale
 * @param answering false when its health probe got no answer in time: a wedged lxcfs (stopped,
 *     looping), neither healthy nor known to be dead
 * @param pid the lxcfs process in whose mount namespace (not the agent's) the mount was found, or 0
 *     when it was found in the agent's own mount table
 * @param superseded generations of older lxcfs processes that still serve the same folder in their
 *     own mount tables (the old pod of a rolling update): alive, and due to be replaced by this one
 */
public record Lxcfs(
    String dir,
    Device generation,
    long mountId,
    String problem,
    Set<Device> otherInstances,
    boolean answering,
    long pid,
    Set<Device> superseded) {
  public static final String FS_TYPE = "fuse.lxcfs";

  public Lxcfs {
    otherInstances = Set.copyOf(otherInstances);
    superseded = Set.copyOf(superseded);
  }

  /** An lxcfs whose probe answered: healthy when {@code problem} is null, else dead or starting. */
  public Lxcfs(
      String dir, Device generation, long mountId, String problem, Set<Device> otherInstances) {
    this(dir, generation, mountId, problem, otherInstances, true, 0, Set.of());
  }

  /** An lxcfs whose probe got no answer in time: {@code problem} says which and how long. */
  public static Lxcfs notAnswering(
      String dir, Device generation, String problem, Set<Device> otherInstances) {
    return new Lxcfs(dir, generation, 0, problem, otherInstances, false, 0, Set.of());
  }

  /** Whether the mount is in the mount namespace of the lxcfs process rather than the agent's. */
  public boolean inProcessNamespace() {
    return pid != 0;
  }

  public boolean healthy() {
    return problem == null;
  }

  /**
   * Where lxcfs serves {@code file} (a mount root such as {@code /proc/meminfo}) in the mount
   * namespace it was found in.
   */
  public String pathOf(String file) {
    return file.equals("/") ? dir : dir + file;
  }
}
