package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFilter;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The lxcfs mount the agent serves, as found in the mount table of the lxcfs process (or, when
 * lxcfs runs in the agent's own mount namespace or is not found, in the agent's own).
 *
 * @param dir where it is mounted, e.g. {@code /var/lib/lxcfs}
 * @param generation its device number: every lxcfs start mounts a new FUSE connection, with a new
 *     one (but a number freed by a connection that is gone may be given to the next)
 * @param mountId the ID of its mount, never reused on kernel 6.8+: with the generation, what tells
 *     one lxcfs start from the next; 0 unless it is healthy
 * @param health what its health probe got
 * @param problem why it cannot serve (e.g. {@code stat /var/lib/lxcfs: ENOTCONN ...}); null when it
 *     is healthy
 * @param otherInstances devices of other lxcfs instances mounted elsewhere, whose mounts in
 *     containers are theirs and not stale
 * @param process the lxcfs process in whose mount namespace (not the agent's) the mount was found;
 *     empty when it was found in the agent's own mount table
 * @param superseded generations of older lxcfs processes that still serve the same folder in their
 *     own mount tables (the old pod of a rolling update): alive, and due to be replaced by this one
 */
public record Lxcfs(
    String dir,
    Device generation,
    long mountId,
    Health health,
    String problem,
    Set<Device> otherInstances,
    OptionalLong process,
    Set<Device> superseded) {
  public static final String FS_TYPE = "fuse.lxcfs";

  /** The lines of a mount table that say which lxcfs mounts are visible. */
  public static final MountFilter MOUNTS = MountFilter.ofType(FS_TYPE);

  /** What the health probe of lxcfs got. */
  public enum Health {
    /** It answered: lxcfs serves. */
    HEALTHY,
    /** It answered an error: lxcfs is dead (ENOTCONN) or starting (its files not there yet). */
    FAILING,
    /**
     * No answer in time: a wedged lxcfs (stopped, looping), neither healthy nor known to be dead.
     */
    NOT_ANSWERING
  }

  public Lxcfs {
    otherInstances = Set.copyOf(otherInstances);
    superseded = Set.copyOf(superseded);
  }

  /** An lxcfs that serves, found in the agent's own mount table. */
  public static Lxcfs healthy(
      String dir, Device generation, long mountId, Set<Device> otherInstances) {
    return inOwnTable(dir, generation, mountId, Health.HEALTHY, null, otherInstances);
  }

  /** An lxcfs whose probe answered an error, found in the agent's own mount table. */
  public static Lxcfs failing(
      String dir, Device generation, String problem, Set<Device> otherInstances) {
    return inOwnTable(dir, generation, 0, Health.FAILING, problem, otherInstances);
  }

  /** An lxcfs whose probe got no answer in time: {@code problem} says which and how long. */
  public static Lxcfs notAnswering(
      String dir, Device generation, String problem, Set<Device> otherInstances) {
    return inOwnTable(dir, generation, 0, Health.NOT_ANSWERING, problem, otherInstances);
  }

  private static Lxcfs inOwnTable(
      String dir,
      Device generation,
      long mountId,
      Health health,
      String problem,
      Set<Device> otherInstances) {
    return new Lxcfs(
        dir, generation, mountId, health, problem, otherInstances, OptionalLong.empty(), Set.of());
  }

  /** The same lxcfs, with {@code ours} not counted among other instances. */
  public Lxcfs notOtherInstances(Set<Device> ours) {
    Set<Device> others = new HashSet<>(otherInstances);
    others.removeAll(ours);
    return new Lxcfs(dir, generation, mountId, health, problem, others, process, superseded);
  }

  /** Whether the mount is in the mount namespace of the lxcfs process rather than the agent's. */
  public boolean inProcessNamespace() {
    return process.isPresent();
  }

  /** The lxcfs process in whose mount namespace the mount was found. */
  public long pid() {
    return process.orElseThrow(
        () -> new IllegalStateException("lxcfs at " + dir + " is in the agent's mount namespace"));
  }

  public boolean healthy() {
    return health == Health.HEALTHY;
  }

  /** False when its probe got no answer in time. */
  public boolean answering() {
    return health != Health.NOT_ANSWERING;
  }

  /**
   * Where lxcfs serves {@code file} (a mount root such as {@code /proc/meminfo}) in the mount
   * namespace it was found in.
   */
  public String pathOf(String file) {
    return file.equals("/") ? dir : dir + file;
  }
}
