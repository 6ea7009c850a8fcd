package io.lxcfsremount.core.mount;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The bytes of a mountinfo file, and the mounts a filter keeps of them. A pass reads hundreds of
 * tables, each mostly of lines it does not keep: only the lines kept become strings, and the file
 * is read into one buffer of about the right size ({@link Files#readString} starts a /proc file,
 * which has no size, at 8 KiB, doubles, then copies twice more). What reading tables allocated made
 * a watching agent's small heap collect every few milliseconds during a recovery.
 */
final class MountinfoText {
  /**
   * The size of the last table read, and a margin: the tables of one node's containers are alike,
   * and one read whole in the first buffer is read without a copy.
   */
  private static volatile int expectedSize = 16 * 1024;

  private final byte[] bytes;

  /**
   * The bytes one char each (ISO-8859-1), to search with String's own searches, which the JVM makes
   * fast even before it compiles the agent's code; kept lines are decoded as UTF-8.
   */
  private final String text;

  private MountinfoText(byte[] bytes, int length) {
    this.bytes = bytes;
    this.text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  static MountinfoText read(Path mountinfo) throws IOException {
    byte[] buffer = new byte[expectedSize];
    int length = 0;
    try (InputStream in = Files.newInputStream(mountinfo)) {
      for (int n; (n = in.read(buffer, length, buffer.length - length)) >= 0; ) {
        length += n;
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
    }
    expectedSize = length + length / 4 + 1;
    return new MountinfoText(buffer, length);
  }

  static MountinfoText of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new MountinfoText(bytes, bytes.length);
  }

  /**
   * The mounts {@code filter} keeps, in the order of their lines: those of its type first, then
   * those at one of their mount points. Only those lines are looked at: the text is searched for
   * the type's marker and for each mount point.
   *
   * @throws IllegalArgumentException if a line that is kept is malformed
   */
  List<MountInfo> mounts(MountFilter filter) {
    List<MountInfo> mounts = new ArrayList<>();
    if (filter.keepsAll()) {
      for (int start = 0; start < text.length(); start = lineEnd(start) + 1) {
        if (lineEnd(start) > start) {
          mounts.add(mountAt(start));
        }
      }
      return mounts;
    }
    String marker = latin1(" - " + filter.fsType() + " ");
    Set<Integer> ofType = new HashSet<>();
    Set<String> points = new HashSet<>(filter.alsoAt());
    for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, lineEnd(at))) {
      int start = lineStart(at);
      MountInfo mount = mountAt(start);
      mounts.add(mount);
      ofType.add(start);
      points.add(mount.mountPoint());
    }
    SortedSet<Integer> atPoints = new TreeSet<>();
    for (String point : points) {
      String field = " " + latin1(escape(point)) + " ";
      for (int at = text.indexOf(field); at >= 0; at = text.indexOf(field, at + 1)) {
        int start = lineStart(at);
        if (isFourthSpace(start, at) && !ofType.contains(start)) {
          atPoints.add(start);
        }
      }
    }
    atPoints.forEach(start -> mounts.add(mountAt(start)));
    return mounts;
  }

  private MountInfo mountAt(int start) {
    return MountInfo.parse(
        new String(bytes, start, lineEnd(start) - start, StandardCharsets.UTF_8));
  }

  private int lineStart(int at) {
    return text.lastIndexOf('\n', at) + 1;
  }

  private int lineEnd(int at) {
    int end = text.indexOf('\n', at);
    return end < 0 ? text.length() : end;
  }

  /** Whether the space at {@code at} is the one before field 5 (the mount point) of its line. */
  private boolean isFourthSpace(int start, int at) {
    int spaces = 0;
    for (int i = start; i < at; i++) {
      if (text.charAt(i) == ' ') {
        spaces++;
      }
    }
    return spaces == 3;
  }

  private static String latin1(String utf8) {
    return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * A path as the kernel writes it in mountinfo: space, tab, newline and backslash as {@code \ooo}
   * octal (what {@link MountInfo#unescape} undoes).
   */
  static String escape(String path) {
    StringBuilder out = new StringBuilder(path.length());
    for (char c : path.toCharArray()) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
        out.append('\\').append((char) ('0' + (c >> 6 & 7)));
        out.append((char) ('0' + (c >> 3 & 7))).append((char) ('0' + (c & 7)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
