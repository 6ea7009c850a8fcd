package io.lxcfsremount.core.testing;

/** What a container sees in its lxcfs files, as the tests check it the way a user would. */
public final class ContainerViews {
  /** The memory limit the tests give their containers and memory cgroups: 64 MiB. */
  public static final long LIMIT_BYTES = 64L * 1024 * 1024;

  /** The first line of /proc/meminfo through lxcfs for a reader limited to {@link #LIMIT_BYTES}. */
  public static final String LIMITED_MEMINFO = "MemTotal:          65536 kB";

  /** What reading a file through a dead lxcfs mount fails with: ENOTCONN's text. */
  public static final String ENOTCONN = "Transport endpoint is not connected";

  private ContainerViews() {}
}
