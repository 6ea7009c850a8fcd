package io.lxcfsremount.core.mount;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One line of {@code /proc/PID/mountinfo} (proc(5)), with the kernel's own field names.
 *
 * <pre>
 * 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
 * </pre>
 *
 * <p>{@code root} is the path inside the filesystem that is mounted (for a bind mount of one lxcfs
 * file, {@code /proc/meminfo}); {@code mountPoint} is relative to the root of the process whose
 * table it is. Paths are unescaped: the kernel writes space, tab, newline and backslash as {@code
 * \ooo} octal.
 */
public record MountInfo(
    int mountId,
    int parentId,
    Device device,
    String root,
    String mountPoint,
    String options,
    List<String> optionalFields,
    String fsType,
    String source,
    String superOptions) {

  public MountInfo {
    optionalFields = List.copyOf(optionalFields);
  }

  public int major() {
    return device.major();
  }

  public int minor() {
    return device.minor();
  }

  /** True when the per-mount options (field 6) hold {@code option}, e.g. {@code "ro"}. */
  public boolean hasOption(String option) {
    // Without splitting: the flags of each mount repaired are read from seven of its options.
    for (int at = options.indexOf(option); at >= 0; at = options.indexOf(option, at + 1)) {
      int end = at + option.length();
      if ((at == 0 || options.charAt(at - 1) == ',')
          && (end == options.length() || options.charAt(end) == ',')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses one mountinfo line.
   *
   * @throws IllegalArgumentException if the line does not have the shape proc(5) documents
   */
  public static MountInfo parse(String line) {
    // The source may be empty (mount("", ...)), which leaves two adjacent spaces: keep empty
    // fields.
    String[] fields = line.split(" ", -1);
    int separator = Arrays.asList(fields).indexOf("-");
    if (fields.length < 10 || separator < 6 || fields.length - separator != 4) {
      throw new IllegalArgumentException("malformed mountinfo line: " + line);
    }
    try {
      return new MountInfo(
          Integer.parseInt(fields[0]),
          Integer.parseInt(fields[1]),
          Device.parse(fields[2]),
          unescape(fields[3]),
          unescape(fields[4]),
          fields[5],
          Arrays.asList(fields).subList(6, separator),
          unescape(fields[separator + 1]),
          unescape(fields[separator + 2]),
          fields[separator + 3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed mountinfo line: " + line, e);
    }
  }

  /** Undoes the kernel's {@code mangle()}: {@code \ooo} octal escapes of single bytes. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    byte[] in = field.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\'
          && i + 3 < in.length
          && isOctal(in[i + 1])
          && isOctal(in[i + 2])
          && isOctal(in[i + 3])) {
        out.write((in[i + 1] - '0') << 6 | (in[i + 2] - '0') << 3 | (in[i + 3] - '0'));
        i += 3;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }
}
