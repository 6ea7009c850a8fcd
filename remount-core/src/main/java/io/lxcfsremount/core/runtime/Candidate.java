package io.lxcfsremount.core.runtime;

import java.util.OptionalLong;

/**
 * One mount namespace to repair, and the container it belongs to. A container whose processes live
 * in several mount namespaces yields one candidate for each.
 *
 * @param pid a process in that namespace (the container's init, or the first process of a child
 *     namespace)
 * @param mountNamespace the namespace's inode number, as in {@code /proc/PID/ns/mnt}; empty when
 *     the process had exited by the time it was looked at
 */
public record Candidate(Container container, long pid, OptionalLong mountNamespace) {

  /** The namespace {@code mountNamespace} that process {@code pid} of {@code container} is in. */
  public static Candidate in(Container container, long pid, long mountNamespace) {
    return new Candidate(container, pid, OptionalLong.of(mountNamespace));
  }

  /** A container whose process {@code pid} exited before its namespace could be read. */
  public static Candidate exited(Container container, long pid) {
    return new Candidate(container, pid, OptionalLong.empty());
  }
}
