package io.lxcfsremount.core;

/**
 * A running container as its runtime knows it.
 *
 * @param runtime which source found it: {@code docker}, {@code cri}, {@code proc}
 * @param id the runtime's id (for the /proc scan, the mount namespace, {@code mnt:[4026532301]})
 * @param name the runtime's name for it
 * @param pid the host PID of its init process
 * @param pod its pod, or null when it belongs to none
 */
public record Container(String runtime, String id, String name, long pid, Pod pod) {

  /**
   * Whether {@code idOrName} names this container: its id or an id prefix, its name, or its pod.
   */
  public boolean matches(String idOrName) {
    return idOrName.equals(name)
        || (idOrName.length() >= 4 && id.startsWith(idOrName))
        || idOrName.equals(Long.toString(pid))
        || (pod != null && idOrName.equals(pod + "/" + name))
        || (pod != null && idOrName.equals(pod.toString()));
  }
}
