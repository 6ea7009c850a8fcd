package io.lxcfsremount.core.runtime;

/**
 * The record the webhook ({@code lxcfs-remount webhook}) leaves on each pod it injected lxcfs files
 * into, and the agent reads to tell a container that should have an lxcfs file at a path and has
 * none there (MISSING), whatever its runtime spec says.
 *
 * <p>The stable format: the pod annotation {@value #ANNOTATION} holds a JSON object whose keys are
 * container names (init containers, sidecars and app containers alike, which a pod keeps unique)
 * and whose values are arrays of the paths inside that container over which an lxcfs file was
 * mounted, e.g. {@code {"app":["/proc/cpuinfo","/proc/meminfo"],"init-db":["/proc/meminfo"]}}. Each
 * path is the lxcfs file of the same name under the node's lxcfs folder ({@code /proc/meminfo} is
 * {@code LXCFS_DIR/proc/meminfo}).
 */
public final class Injected {
  /** The pod annotation. */
  public static final String ANNOTATION = "lxcfs-remount.io/injected";

  private Injected() {}
}
