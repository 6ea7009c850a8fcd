package io.lxcfsremount.launcher.webhook;

import java.util.List;

/**
 * A file lxcfs serves, injected over the path it stands for ({@code proc/meminfo} over {@code
 * /proc/meminfo}). Only files that lxcfs exports and that runc lets a container mount over /proc:
 * runc refuses any other mount there (e.g. {@code /proc/pressure/*}) and the pod never starts.
 */
record LxcfsFile(String relativePath) {
  /** Every file injected, in the order they are added to a container. */
  static final List<LxcfsFile> ALL =
      List.of(
          new LxcfsFile("proc/cpuinfo"),
          new LxcfsFile("proc/diskstats"),
          new LxcfsFile("proc/loadavg"),
          new LxcfsFile("proc/meminfo"),
          new LxcfsFile("proc/slabinfo"),
          new LxcfsFile("proc/stat"),
          new LxcfsFile("proc/swaps"),
          new LxcfsFile("proc/uptime"),
          new LxcfsFile("sys/devices/system/cpu/online"));

  /** Where the container sees it. */
  String mountPath() {
    return "/" + relativePath;
  }

  /** Where the node has it, under the lxcfs folder. */
  String hostPath(String lxcfsDir) {
    return lxcfsDir.replaceAll("/+$", "") + "/" + relativePath;
  }

  /** The pod volume's name, unless a volume of the pod already has it. */
  String volumeName() {
    return "lxcfs-" + relativePath.replace('/', '-');
  }
}
