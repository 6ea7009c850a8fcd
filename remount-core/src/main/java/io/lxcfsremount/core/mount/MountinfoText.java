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

  /** The bytes one char each (ISO-8859-1), to search; the lines kept are decoded as UTF-8. */
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
   * The mounts {@code filter} keeps: those of its type, found by searching the text for its marker,
   * then, in one sweep, those of other types at one of their mount points (a line is looked at only
   * as far as its mount point, compared as the kernel wrote it).
   *
   * @throws IllegalArgumentException if a line that is kept is malformed
   */
  List<MountInfo> mounts(MountFilter filter) {
    List<MountInfo> mounts = new ArrayList<>();
    if (filter.keepsAll()) {
      for (int start = 0, end; start < text.length(); start = end + 1) {
        end = lineEnd(start);
        if (end > start) {
          mounts.add(mountAt(start, end));
        }
      }
      return mounts;
    }
    String marker = latin1(" - " + filter.fsType() + " ");
    Set<Integer> ofType = new HashSet<>();
    Set<String> points = new HashSet<>(filter.alsoAt());
    for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, lineEnd(at))) {
      int start = text.lastIndexOf('\n', at) + 1;
      MountInfo mount = mountAt(start, lineEnd(at));
      mounts.add(mount);
      ofType.add(start);
      points.add(mount.mountPoint());
    }
    if (points.isEmpty()) {
      // No mount of the type and no point asked for (most containers hold no lxcfs mount).
      return mounts;
    }
    List<String> escapedPoints = points.stream().map(point -> latin1(escape(point))).toList();
    for (int start = 0, end; start < text.length(); start = end + 1) {
      end = lineEnd(start);
      if (end > start && !ofType.contains(start) && mountPointIn(start, end, escapedPoints)) {
        mounts.add(mountAt(start, end));
      }
    }
    return mounts;
  }

  private MountInfo mountAt(int start, int end) {
    return MountInfo.parse(new String(bytes, start, end - start, StandardCharsets.UTF_8));
  }

  private int lineEnd(int at) {
    int end = text.indexOf('\n', at);
    return end < 0 ? text.length() : end;
  }

  /** Whether field 5 of the line from {@code start} to {@code end} is one of {@code fields}. */
  private boolean mountPointIn(int start, int end, List<String> fields) {
    int from = start;
    for (int field = 0; field < 4; field++) {
      from = text.indexOf(' ', from) + 1;
      if (from == 0 || from > end) {
        throw new IllegalArgumentException(
            "malformed mountinfo line: "
                + new String(bytes, start, end - start, StandardCharsets.UTF_8));
      }
    }
    int to = text.indexOf(' ', from);
    int length = (to < 0 || to > end ? end : to) - from;
    for (String field : fields) {
      if (field.length() == length && text.regionMatches(from, field, 0, length)) {
        return true;
      }
    }
    return false;
  }

  private static String latin1(String utf8) {
    return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * A path as the kernel writes it in mountinfo: space, tab, newline and backslash as {@code \ooo}
   * octal (what {@link MountInfo#unescape} undoes).
   */
  private static String escape(String path) {
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
