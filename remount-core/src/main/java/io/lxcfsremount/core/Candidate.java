package io.lxcfsremount.core;

/**
 * One mount namespace to repair, and the container it belongs to. A container whose processes live
 * in several mount namespaces yields one candidate for each.
 *
 * @param pid a process in that namespace (the container's init, or the first process of a child
 *     namespace)
 * @param mountNamespace the namespace's inode number, as in {@code /proc/PID/ns/mnt}
 */
public record Candidate(Container container, long pid, long mountNamespace) {}
