package io.lxcfsremount.core.mount;

/**
 * A device number as mountinfo prints it ({@code major:minor}). Every FUSE mount gets a fresh
 * anonymous device, so for lxcfs it tells one connection (generation) from the next.
 */
public record Device(int major, int minor) {

  /** Parses {@code "0:42"}. */
  public static Device parse(String majorMinor) {
    int colon = majorMinor.indexOf(':');
    if (colon <= 0 || colon == majorMinor.length() - 1) {
      throw new IllegalArgumentException("not a major:minor device number: " + majorMinor);
    }
    return new Device(
        Integer.parseInt(majorMinor, 0, colon, 10),
        Integer.parseInt(majorMinor, colon + 1, majorMinor.length(), 10));
  }

  // equals and hashCode written out: every mount of a pass is compared with lxcfs's device, and
  // a record's own are linked at their first call, which costs a cold one-shot pass milliseconds.
  @Override
  public boolean equals(Object other) {
    return other instanceof Device device && device.major == major && device.minor == minor;
  }

  @Override
  public int hashCode() {
    return 31 * major + minor;
  }

  @Override
  public String toString() {
    return major + ":" + minor;
  }
}
