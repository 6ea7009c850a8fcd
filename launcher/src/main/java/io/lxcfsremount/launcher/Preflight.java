package io.lxcfsremount.launcher;

import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What lets the node agent start but leaves it unable to repair, found at start-up and said once,
 * with the setting that fixes it. Both come from how its container was made, not from the agent.
 */
final class Preflight {
  private Preflight() {}

  /** The warnings for an agent started with {@code --strategy strategy}. */
  static List<String> warnings(StrategyChoice strategy) {
    List<String> warnings = new ArrayList<>();
    if (strategy.auto()) {
      mountApiRefused(Linux.bestStrategy(), kernelRelease()).ifPresent(warnings::add);
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
