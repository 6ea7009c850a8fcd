package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A memory cgroup of the test's own with a limit, to run readers of lxcfs files in: lxcfs answers
 * /proc/meminfo with the reader's cgroup limit. Works on cgroup v1 (memory controller) and v2.
 */
public final class MemoryCgroup implements AutoCloseable {
  private final Path dir;

  private MemoryCgroup(Path dir) {
    this.dir = dir;
  }

  public static MemoryCgroup create(long limitBytes) throws IOException {
    boolean unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
    Path parent = unified ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/memory");
    Path dir = parent.resolve("lxcfs-remount-test-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectory(dir);
    Files.writeString(
        dir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), Long.toString(limitBytes));
    return new MemoryCgroup(dir);
  }

  /** Runs {@code command} as a member of this cgroup. */
  public Programs.Result run(String... command) {
    List<String> full =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "echo $$ > \"$0\" && exec \"$@\"",
                dir.resolve("cgroup.procs").toString()));
    full.addAll(List.of(command));
    return Programs.run(full);
  }

  @Override
  public void close() {
    for (int i = 0; i < 100 && Files.exists(dir); i++) {
      if (!dir.toFile().delete()) {
        LxcfsProcess.sleep(20);
      }
    }
  }
}
