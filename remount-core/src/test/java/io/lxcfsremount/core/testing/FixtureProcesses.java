package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Processes in a fixture /proc tree: their cgroup and the stat fields the agent reads. */
public final class FixtureProcesses {
  private final Path proc;

  public FixtureProcesses(Path proc) {
    this.proc = proc;
  }

  /**
   * Process {@code pid}, child of {@code parent}, started at {@code startTime} clock ticks, in
   * {@code cgroup} (the text of its /proc/PID/cgroup).
   */
  public FixtureProcesses process(long pid, long parent, long startTime, String cgroup)
      throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), cgroup.endsWith("\n") ? cgroup : cgroup + "\n");
    Files.writeString(
        dir.resolve("stat"),
        pid
            + " (sleep) S "
            + parent
            + " "
            + pid
            + " "
            + pid
            + " 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 "
            + startTime
            + " 1 1 1\n");
    return this;
  }
}
