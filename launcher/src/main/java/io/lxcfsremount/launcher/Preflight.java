package io.lxcfsremount.launcher;

import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.LxcfsProcessFinder;
import io.lxcfsremount.core.proc.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What lets the node agent start but leaves it unable to repair, found at start-up and said once, with
 * the setting that fixes it. Both come from how its container was made, not from the agent.
 */
final class Preflight {
  private Preflight() {}

  /** The warnings for an agent that watches the lxcfs folder {@code dir}. */
  static List<String> warnings(String dir, String strategyOption) {
    List<String> warnings = new ArrayList<>();
    if (strategyOption.equals("auto")) {
      mountApiRefused(Linux.bestStrategy(), kernelRelease()).ifPresent(warnings::add);
    }
    try {
      if (!sharesMountNamespaceWithLxcfs(dir)) {
        isolatedFolder(MountTable.read(Path.of("/proc/self/mountinfo")), dir).ifPresent(warnings::add);
      }
    } catch (IOException e) {
      // Nothing to judge by: the watcher reports what it finds.
    }
    return warnings;
  }

  /**
   * The kernel has the mount API (5.2+), yet a probe of it was refused (ENOSYS or EPERM): a seccomp
   * profile or a security module stands in the way, and repairs fall back to the classic strategy.
   */
  static Optional<String> mountApiRefused(Strategy best, String kernelRelease) {
    if (best != Strategy.CLASSIC || !atLeast(kernelRelease, 5, 2)) {
      return Optional.empty();
    }
    return Optional.of(
        "kernel " + kernelRelease + " has the mount API, but open_tree or move_mount is refused here (ENOSYS or EPERM):"
            + " a seccomp profile or security module blocks it. Repairs fall back to the classic strategy, which"
            + " works only where the lxcfs folder is visible inside the container. Run the agent with the container"
            + " runtime's default seccomp profile (Kubernetes: seccompProfile RuntimeDefault; it allows these calls"
            + " with CAP_SYS_ADMIN) or Unconfined.");
  }

  /**
   * Whether a new lxcfs mount at {@code dir} can ever show in {@code table}: only if the mount that
   * holds the folder receives mounts from elsewhere (shared or slave). A container given the lxcfs
   * folder itself, while lxcfs was mounted, holds a private copy of that one lxcfs mount on its own
   * root: the next lxcfs is mounted on the host, beneath where the copy came from.
   */
  static Optional<String> isolatedFolder(MountTable table, String dir) {
    Optional<MountInfo> lxcfs = table.topAt(dir).filter(m -> m.fsType().equals(Lxcfs.FS_TYPE));
    Optional<MountInfo> holder =
        lxcfs.isPresent()
            ? table.mounts().stream().filter(m -> m.mountId() == lxcfs.get().parentId()).findFirst()
            : table.topMounts().stream()
                .filter(m -> contains(m.mountPoint(), dir))
                .max(Comparator.comparingInt(m -> m.mountPoint().length()));
    if (holder.isEmpty() || receivesMounts(holder.get())) {
      return Optional.empty();
    }
    return Optional.of(
        "a restarted lxcfs will never show at " + dir + ": it would be mounted on " + holder.get().mountPoint()
            + ", which receives no mounts from the host (no shared or master propagation), so the agent would"
            + " wait for it forever. Give the agent the folder that holds " + dir + ", not " + dir + " itself,"
            + " with propagation from the host (Kubernetes: hostPath /var/lib with mountPropagation"
            + " HostToContainer; docker run: -v /var/lib:/var/lib:ro,rslave).");
  }

  private static boolean receivesMounts(MountInfo mount) {
    return mount.optionalFields().stream().anyMatch(f -> f.startsWith("shared:") || f.startsWith("master:"));
  }

  private static boolean contains(String mountPoint, String dir) {
    return dir.equals(mountPoint) || mountPoint.equals("/") || dir.startsWith(mountPoint + "/");
  }

  /** When lxcfs runs in the agent's own mount namespace, its mounts appear here directly. */
  private static boolean sharesMountNamespaceWithLxcfs(String dir) throws IOException {
    OptionalLong pid = new LxcfsProcessFinder(Path.of("/proc")).find(dir);
    ProcFs proc = ProcFs.host();
    return pid.isPresent()
        && proc.mountNamespace(Long.toString(pid.getAsLong())).equals(proc.mountNamespace("self"));
  }

  static boolean atLeast(String release, int major, int minor) {
    String[] parts = release.split("[.-]");
    try {
      int actualMajor = Integer.parseInt(parts[0]);
      int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String kernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
