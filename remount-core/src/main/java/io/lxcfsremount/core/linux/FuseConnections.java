package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * FUSE's control filesystem (fusectl, at {@code /sys/fs/fuse/connections}): one folder per
 * connection, named after its device number, whose {@code abort} file ends the connection. Every
 * request waiting on it then fails with ENOTCONN, so its readers wake up instead of sleeping for as
 * long as a wedged server does not answer.
 */
public final class FuseConnections {
  private final Path root;

  /**
   * @param root where fusectl is (or is to be) mounted, {@code /sys/fs/fuse/connections}
   */
  public FuseConnections(Path root) {
    this.root = root;
  }

  /**
   * Aborts the connection of the FUSE mount with {@code device}, first mounting fusectl where it is
   * not mounted yet (systemd mounts it on most hosts; a container's /sys does not have it).
   *
   * @return the abort file written
   * @throws IOException when fusectl cannot be mounted or the connection has no abort file
   */
  public Path abort(Device device) throws IOException {
    // fusectl names a connection after the kernel's dev_t: major in the bits above the 20th.
    Path abort =
        root.resolve(Long.toString((long) device.major() << 20 | device.minor())).resolve("abort");
    if (!Files.exists(abort) && isEmpty(root)) {
      // Not mounted: once mounted it shows every connection, this one included.
      mountFusectl();
    }
    Files.writeString(abort, "1");
    return abort;
  }

  private void mountFusectl() throws LinuxException {
    if (Syscalls.mountFilesystem("fusectl", root.toString()) != 0) {
      throw new LinuxException("mount fusectl", root.toString(), Syscalls.errno());
    }
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }
}
