package io.lxcfsremount.core.proc;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a process belongs to, as its {@code /proc/PID/cgroup} names it. Runtimes put each
 * container in a cgroup named after its 64-hex-digit id, one path component:
 *
 * <ul>
 *   <li>cgroupfs driver: {@code /docker/ID}, kubelet's {@code /kubepods/burstable/podUID/ID},
 *       containerd's default {@code /k8s.io/ID};
 *   <li>systemd driver: {@code /system.slice/docker-ID.scope}, {@code cri-containerd-ID.scope},
 *       {@code crio-ID.scope}, podman's {@code libpod-ID.scope}.
 * </ul>
 *
 * <p>The last component that names an id wins, so that a container running inside another (docker
 * in docker, kind) is its own, and a cgroup the container made below its own ({@code
 * /docker/ID/init.scope} under a systemd in the container) still counts as the container's. Lines
 * of cgroup v1 hierarchies and the v2 line ({@code 0::}) are read alike; a line that names no id (a
 * hierarchy the runtime does not manage) says nothing, and lines that name different ids make the
 * answer unknown rather than a guess. CRI-O's {@code crio-conmon-ID.scope} holds its monitor
 * process, not the container, and names nothing.
 */
public final class CgroupContainerId {
  private static final Pattern ID_COMPONENT =
      Pattern.compile("(?:(?:docker|cri-containerd|crio|libpod)-)?([0-9a-f]{64})(?:\\.scope)?");

  private CgroupContainerId() {}

  /**
   * The container id that the lines of a {@code /proc/PID/cgroup} agree on, or empty when none
   * names one or they disagree.
   */
  public static Optional<String> parse(String procPidCgroup) {
    Set<String> ids = new HashSet<>();
    for (String line : procPidCgroup.split("\n")) {
      // hierarchy-ID:controller-list:cgroup-path, where only the path may hold further colons
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second >= 0) {
        ofPath(line.substring(second + 1)).ifPresent(ids::add);
      }
    }
    return ids.size() == 1 ? Optional.of(ids.iterator().next()) : Optional.empty();
  }

  /** The id the last id-naming component of a cgroup path names, if any does. */
  public static Optional<String> ofPath(String path) {
    String[] components = path.split("/");
    for (int i = components.length - 1; i >= 0; i--) {
      Matcher id = ID_COMPONENT.matcher(components[i]);
      if (id.matches()) {
        return Optional.of(id.group(1));
      }
    }
    return Optional.empty();
  }
}
