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
 * What lets the node agent start but leaves it unable to repair, found at start-up and said once,
 * with the setting that fixes it. Both come from how its container was made, not from the agent.
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
      OptionalLong lxcfs = new LxcfsProcessFinder(Path.of("/proc")).find(dir);
      if (lxcfs.isPresent() && !sameMountNamespace(lxcfs.getAsLong())) {
        isolatedFolder(
                MountTable.read(Path.of("/proc/self/mountinfo")),
                MountTable.read(Path.of("/proc", Long.toString(lxcfs.getAsLong()), "mountinfo")),
                dir)
            .ifPresent(warnings::add);
      }
    } catch (IOException e) {
      // lxcfs is not running, or exited meanwhile: nothing to judge by.
    }
    return warnings;
  }

  /**
   * The kernel has the mount API the repairs use (open_tree 5.2, mount_setattr 5.12), yet a probe
   * of it was refused (ENOSYS or EPERM): a seccomp profile or a security module stands in the way,
   * and repairs fall back to the classic strategy.
   */
  static Optional<String> mountApiRefused(Strategy best, String kernelRelease) {
    if (best != Strategy.CLASSIC || !atLeast(kernelRelease, 5, 12)) {
      return Optional.empty();
    }
    return Optional.of(
        "kernel "
            + kernelRelease
            + " has the mount API, but open_tree, move_mount or mount_setattr is refused here"
            + " (ENOSYS or EPERM):"
            + " a seccomp profile or security module blocks it. Repairs fall back to the classic strategy, which"
            + " works only where the lxcfs folder is visible inside the container. Run the agent with the container"
            + " runtime's default seccomp profile (Kubernetes: seccompProfile RuntimeDefault; it allows these calls"
            + " with CAP_SYS_ADMIN) or Unconfined.");
  }

  /**
   * Whether a new lxcfs mount at {@code dir} can ever show in {@code own} (the agent's mount
   * table), when lxcfs runs in another mount namespace, whose table is {@code lxcfs}. lxcfs mounts
   * on the mount that holds {@code dir} there; the mount that holds it here must be in that mount's
   * peer group or receive from it. A container given the lxcfs folder itself, while lxcfs was
   * mounted, holds a copy of that one lxcfs mount on its own root instead: the next lxcfs never
   * reaches it.
   */
  static Optional<String> isolatedFolder(MountTable own, MountTable lxcfs, String dir) {
    Optional<MountInfo> source = holder(lxcfs, dir);
    Optional<MountInfo> here = holder(own, dir);
    if (source.isEmpty() || here.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> group =
        source.get().optionalFields().stream().filter(f -> f.startsWith("shared:")).findFirst();
    if (group.isPresent()) {
      String id = group.get().substring("shared:".length());
      if (here.get().optionalFields().stream()
          .anyMatch(
              f ->
                  f.equals("shared:" + id)
                      || f.equals("master:" + id)
                      || f.equals("propagate_from:" + id))) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "a restarted lxcfs will never show at "
            + dir
            + ": lxcfs mounts it on "
            + source.get().mountPoint()
            + group
                .map(g -> " (peer group " + g.substring("shared:".length()) + ")")
                .orElse(" (a private mount)")
            + ", from which the mount that holds it here ("
            + here.get().mountPoint()
            + ") receives nothing, so the"
            + " agent would wait for it forever. Give the agent the folder that holds "
            + dir
            + ", not "
            + dir
            + " itself, with propagation from the host (Kubernetes: hostPath /var/lib with mountPropagation"
            + " HostToContainer; docker run: -v /var/lib:/var/lib:ro,rslave), from a host whose mounts are shared.");
  }

  /**
   * The mount lxcfs is (or would be) mounted on at {@code dir}: below its top lxcfs mount, or the
   * one holding the folder.
   */
  private static Optional<MountInfo> holder(MountTable table, String dir) {
    Optional<MountInfo> lxcfs = table.topAt(dir).filter(m -> m.fsType().equals(Lxcfs.FS_TYPE));
    if (lxcfs.isPresent()) {
      return table.mounts().stream().filter(m -> m.mountId() == lxcfs.get().parentId()).findFirst();
    }
    return table.topMounts().stream()
        .filter(m -> contains(m.mountPoint(), dir))
        .max(Comparator.comparingInt(m -> m.mountPoint().length()));
  }

  private static boolean contains(String mountPoint, String dir) {
    return dir.equals(mountPoint) || mountPoint.equals("/") || dir.startsWith(mountPoint + "/");
  }

  private static boolean sameMountNamespace(long pid) {
    ProcFs proc = ProcFs.host();
    OptionalLong theirs = proc.mountNamespace(Long.toString(pid));
    return theirs.isPresent() && theirs.equals(proc.mountNamespace("self"));
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
