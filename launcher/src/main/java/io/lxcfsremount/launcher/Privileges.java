package io.lxcfsremount.launcher;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks up front that the agent holds the capabilities its work needs, so that a missing one is
 * one clear line instead of a failure in every container.
 */
final class Privileges {
  static final int CAP_SYS_CHROOT = 18;
  static final int CAP_SYS_PTRACE = 19;
  static final int CAP_SYS_ADMIN = 21;

  private Privileges() {}

  /**
   * @throws UsageException naming the first capability of {@code required} the process lacks
   */
  static void require(String command, int... required) {
    BigInteger effective = effectiveCapabilities();
    for (int capability : required) {
      if (!effective.testBit(capability)) {
        throw new UsageException(command + " needs " + name(capability) + " (run it as root)");
      }
    }
  }

  private static BigInteger effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return new BigInteger(line.substring("CapEff:".length()).strip(), 16);
        }
      }
      return BigInteger.ZERO;
    } catch (IOException e) {
      throw new UsageException("cannot read /proc/self/status: " + e.getMessage(), e);
    }
  }

  private static String name(int capability) {
    return switch (capability) {
      case CAP_SYS_CHROOT -> "CAP_SYS_CHROOT";
      case CAP_SYS_PTRACE -> "CAP_SYS_PTRACE";
      case CAP_SYS_ADMIN -> "CAP_SYS_ADMIN";
      default -> "capability " + capability;
    };
  }
}
