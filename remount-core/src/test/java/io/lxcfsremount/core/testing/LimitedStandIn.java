package io.lxcfsremount.core.testing;

import java.util.List;

/**
 * The fixture the command-line tests start from: a test's own lxcfs, a memory cgroup limited to
 * {@link ContainerViews#LIMIT_BYTES} to read it from, and a stand-in container with lxcfs's meminfo
 * bound read-only over its /proc/meminfo, plus further lxcfs files bound read-write.
 *
 * @param lxcfs the test's own lxcfs
 * @param cgroup where the test reads the container's files from, as the container's own processes
 * @param container the stand-in
 */
public record LimitedStandIn(LxcfsProcess lxcfs, MemoryCgroup cgroup, StandInContainer container)
    implements AutoCloseable {
  /**
   * Starts the fixture with {@code readWriteFiles} (e.g. {@code "proc/cpuinfo"}) bound too, each at
   * its own path; what started is stopped again when a later step fails.
   */
  public static LimitedStandIn start(String... readWriteFiles) throws Exception {
    Cleanup started = new Cleanup();
    try {
      LxcfsProcess lxcfs = started.track(LxcfsProcess.start());
      MemoryCgroup cgroup = started.track(MemoryCgroup.create(ContainerViews.LIMIT_BYTES));
      StandInContainer container = started.track(StandInContainer.start(lxcfs, "private"));
      container.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", true);
      for (String file : List.of(readWriteFiles)) {
        container.bind(lxcfs.file(file), "/" + file, false);
      }
      return new LimitedStandIn(lxcfs, cgroup, container);
    } catch (Exception | Error e) {
      try {
        started.close();
      } catch (Exception cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The first line of the container's /proc/meminfo, read as a process of the limited cgroup. */
  public Programs.Result meminfo() {
    return container.read(cgroup, "/proc/meminfo");
  }

  @Override
  public void close() throws Exception {
    Cleanup cleanup = new Cleanup();
    cleanup.track(cgroup);
    cleanup.track(container);
    // lxcfs first: when a test wedged it, killing it wakes whatever still sleeps on its files.
    cleanup.track(lxcfs);
    cleanup.close();
  }
}
