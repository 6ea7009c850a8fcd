package io.lxcfsremount.core.runtime;

import java.util.List;

/**
 * A running container as its runtime knows it.
 *
 * @param runtime which source found it: {@code docker}, {@code cri}, {@code proc}
 * @param id the runtime's id (for the /proc scan, the mount namespace, {@code mnt:[4026532301]})
 * @param name the runtime's name for it
 * @param pid the host PID of its init process
 * @param pod its pod, or null when it belongs to none
 * @param binds the host binds it was created with, where its runtime says (none for the /proc scan)
 * @param injected the paths over which its pod's {@link Injected} record says the webhook mounted
 *     an lxcfs file (none where the runtime does not give pod annotations)
 */
public record Container(
    String runtime,
    String id,
    String name,
    long pid,
    Pod pod,
    List<Bind> binds,
    List<String> injected) {

  public Container {
    binds = List.copyOf(binds);
    injected = List.copyOf(injected);
  }

  /** A container whose pod carries no record of the webhook's. */
  public Container(String runtime, String id, String name, long pid, Pod pod, List<Bind> binds) {
    this(runtime, id, name, pid, pod, binds, List.of());
  }

  /** A container whose runtime does not say which binds it was created with. */
  public Container(String runtime, String id, String name, long pid, Pod pod) {
    this(runtime, id, name, pid, pod, List.of());
  }
}
