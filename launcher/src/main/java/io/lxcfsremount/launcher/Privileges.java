package io.lxcfsremount.launcher;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The capabilities the agent's work needs (capability.h numbers), checked up front so that a
 * missing one is one clear line instead of a failure in every container.
 */
enum Privileges {
  CAP_SYS_CHROOT(18),
  CAP_SYS_PTRACE(19),
  CAP_SYS_ADMIN(21);

  private final int bit;

  Privileges(int bit) {
    this.bit = bit;
  }

  /**
   * @throws UsageException naming the first capability of {@code required} the process lacks
   */
  static void require(String command, Privileges... required) {
    BigInteger effective = effectiveCapabilities();
    for (Privileges capability : required) {
      if (!effective.testBit(capability.bit)) {
        throw new UsageException(command + " needs " + capability + " (run it as root)");
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
}
