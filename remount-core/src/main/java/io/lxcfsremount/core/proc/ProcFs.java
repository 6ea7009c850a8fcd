package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The agent's view of /proc: the host's processes (the agent runs in the host PID namespace). The
 * root is a parameter so the scan can be tested on a fixture tree.
 */
public final class ProcFs {
  private final Path root;

  public ProcFs(Path root) {
    this.root = root;
  }

  /** The real /proc. */
  public static ProcFs host() {
    return new ProcFs(Path.of("/proc"));
  }

  /** Where this /proc is (the real one: {@code /proc}). */
  public Path root() {
    return root;
  }

  public Path mountinfo(long pid) {
    return root.resolve(Long.toString(pid)).resolve("mountinfo");
  }

  /** The agent's own mount table: the main thread's view of the namespace the agent runs in. */
  public Path selfMountinfo() {
    return root.resolve("self/mountinfo");
  }

  /** The PIDs of all processes, in ascending order. */
  public List<Long> pids() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (isPid(name)) {
          pids.add(Long.parseLong(name));
        }
      }
    }
    pids.sort(null);
    return pids;
  }

  /** A plain loop: a stream's lambda costs a fresh JVM more than the whole check. */
  private static boolean isPid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The inode of the mount namespace of {@code pid} ("self" for the agent), if it still exists. */
  public OptionalLong mountNamespace(String pid) {
    return namespace(pid, "mnt");
  }

  /** The inode of the PID namespace of {@code pid} ("self" for the agent), if it still exists. */
  public OptionalLong pidNamespace(String pid) {
    return namespace(pid, "pid");
  }

  private OptionalLong namespace(String pid, String type) {
    try {
      String link =
          Files.readSymbolicLink(root.resolve(pid).resolve("ns").resolve(type)).toString();
      return OptionalLong.of(parseNamespaceLink(type, link));
    } catch (IOException | IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }

  /** The command name of {@code pid}, or {@code "?"} if it is gone. */
  public String command(long pid) {
    try {
      return readCommand(root.resolve(Long.toString(pid)));
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * The command name in {@code process}'s {@code comm}: at most 15 bytes and a newline. Read into a
   * buffer of that size: the /proc scan names each namespace it finds by one, and {@link
   * Files#readString} starts a /proc file, which has no size, with 8 KiB.
   */
  private static String readCommand(Path process) throws IOException {
    byte[] buffer = new byte[32];
    try (InputStream in = Files.newInputStream(process.resolve("comm"))) {
      int length = in.readNBytes(buffer, 0, buffer.length);
      return new String(buffer, 0, length, StandardCharsets.UTF_8).strip();
    }
  }

  /** {@code mnt:[4026531841]} to 4026531841. */
  static long parseNamespaceLink(String type, String link) {
    int close = link.length() - 1;
    if (!link.startsWith(type + ":[") || link.charAt(close) != ']') {
      throw new IllegalArgumentException("not a " + type + " namespace link: " + link);
    }
    return Long.parseLong(link, type.length() + 2, close, 10);
  }
}
