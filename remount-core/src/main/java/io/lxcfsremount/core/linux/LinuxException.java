package io.lxcfsremount.core.linux;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A failed system call, named the way runc names them: {@code open_tree
 * /var/lib/lxcfs/proc/meminfo: ENOTCONN (Transport endpoint is not connected)}.
 */
public final class LinuxException extends IOException {
  private final String operation;
  private final String path;
  private final int errno;

  public LinuxException(String operation, String path, int errno) {
    super(describe(operation, path, errno));
    this.operation = operation;
    this.path = path;
    this.errno = errno;
  }

  /** The system call, e.g. {@code move_mount}. */
  public String operation() {
    return operation;
  }

  /** The path it acted on, or an empty string when it took none. */
  public String path() {
    return path;
  }

  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, e.g. {@code ENOTCONN}. */
  public String errnoName() {
    return errnoName(errno);
  }

  /** {@code ENOENT (No such file or directory)} for 2. */
  public static String errnoName(int errno) {
    Errno known = Errno.valueOf(errno);
    return known == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : known.name();
  }

  static String describe(String operation, String path, int errno) {
    Errno known = Errno.valueOf(errno);
    String cause =
        known == Errno.__UNKNOWN_CONSTANT__
            ? "errno " + errno
            : known.name() + " (" + known.description() + ")";
    return operation + (path.isEmpty() ? "" : " " + path) + ": " + cause;
  }
}
