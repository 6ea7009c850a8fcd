package io.lxcfsremount.core.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads small files of many processes ({@code /proc/PID/cgroup}, {@code stat}) into one buffer,
 * reused: a scan of every process on the host reads hundreds of them, in a JVM that has just
 * started, where a plain stream with no String per file is the cheapest way.
 */
final class ProcessFiles {
  private final String root;
  private byte[] buffer = new byte[4096];

  ProcessFiles(Path procRoot) {
    this.root = procRoot.toString() + "/";
  }

  /** The bytes of the last file read; valid up to the length {@link #read} returned. */
  byte[] bytes() {
    return buffer;
  }

  /**
   * Reads {@code file} of process {@code pid} whole (procfs files report no size: read to the end),
   * and returns its length; -1 when the process is gone or hidden from the agent.
   */
  int read(long pid, String file) {
    try (FileInputStream in = new FileInputStream(root + pid + "/" + file)) {
      int length = 0;
      int n;
      while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
        length += n;
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      return length;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The {@code stat} of process {@code pid}, if it is still there. */
  Optional<ProcessStat> stat(long pid) {
    int length = read(pid, "stat");
    if (length <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ProcessStat.parse(pid, new String(buffer, 0, length, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
