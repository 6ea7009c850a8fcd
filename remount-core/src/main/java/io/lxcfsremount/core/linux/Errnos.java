package io.lxcfsremount.core.linux;

import jnr.constants.platform.Errno;

/**
 * The errno values the agent tells apart, from jnr-constants for the platform it runs on (they
 * differ between architectures, e.g. on MIPS), so that nothing outside this package types a number.
 */
public final class Errnos {
  public static final int EPERM = Errno.EPERM.intValue();
  public static final int ENOENT = Errno.ENOENT.intValue();
  public static final int ESRCH = Errno.ESRCH.intValue();
  public static final int EINTR = Errno.EINTR.intValue();
  public static final int EBADF = Errno.EBADF.intValue();
  public static final int EINVAL = Errno.EINVAL.intValue();
  public static final int ENOSYS = Errno.ENOSYS.intValue();
  public static final int ENOTCONN = Errno.ENOTCONN.intValue();
  public static final int ESTALE = Errno.ESTALE.intValue();
  public static final int ETIMEDOUT = Errno.ETIMEDOUT.intValue();

  private Errnos() {}
}
