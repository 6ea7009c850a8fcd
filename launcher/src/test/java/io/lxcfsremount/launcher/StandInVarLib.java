package io.lxcfsremount.launcher;

import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private folder that stands for the host's /var/lib in the pod tests: a shared mount, as systemd
 * makes a host's mounts, so that a Bidirectional volume of it reaches this machine's mount table.
 * {@link #close()} unmounts what lxcfs left at its lxcfs folder (a killed lxcfs leaves its mount),
 * then the folder itself, and deletes it.
 */
final class StandInVarLib implements AutoCloseable {
  private final Path path;

  private StandInVarLib(Path path) {
    this.path = path;
  }

  static StandInVarLib create() throws IOException {
    Path path = Files.createTempDirectory("lxcfs-remount-var-lib").toRealPath();
    Programs.check("mount", "--bind", path.toString(), path.toString());
    Programs.check("mount", "--make-shared", path.toString());
    return new StandInVarLib(path);
  }

  Path path() {
    return path;
  }

  /** Where the DaemonSet mounts lxcfs for the host: {@code /var/lib/lxcfs}. */
  Path lxcfsDir() {
    return path.resolve("lxcfs");
  }

  /** The lxcfs mounts on this machine at {@link #lxcfsDir()}, visible or covered. */
  long lxcfsMounts() throws IOException {
    return MountTable.read(Path.of("/proc/self/mountinfo")).mounts().stream()
        .filter(
            m -> m.fsType().equals("fuse.lxcfs") && m.mountPoint().equals(lxcfsDir().toString()))
        .count();
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < 5 && lxcfsMounts() > 0; i++) {
      Programs.run("umount", "-l", lxcfsDir().toString());
    }
    Programs.run("umount", "-l", path.toString());
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }
}
