package io.lxcfsremount.docker.testing;

import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A running Docker container of a {@link DockerFleet}, seen the way its user sees it: through
 * {@code docker exec}, and through its mount table.
 *
 * @param pid the host PID of its init
 */
public record TestContainer(String name, String id, long pid) {
  private static final String LXCFS = "fuse.lxcfs";

  /**
   * Runs {@code command} inside the container, as its own processes run (its cgroup, its mounts).
   */
  public Programs.Result exec(String... command) {
    return Programs.run(
        Stream.concat(Stream.of("docker", "exec", id), Stream.of(command)).toList());
  }

  /** What {@code head -1 FILE} prints inside the container, or the error it prints. */
  public String headOf(String file) {
    return exec("head", "-1", file).output().strip();
  }

  /** What {@code head -1 FILE} prints inside the container to user {@code uid}. */
  public String headOf(String file, int uid) {
    return Programs.run(
            List.of("docker", "exec", "-u", Integer.toString(uid), id, "head", "-1", file))
        .output()
        .strip();
  }

  public void pause() {
    Programs.check("docker", "pause", id);
  }

  public void unpause() {
    Programs.check("docker", "unpause", id);
  }

  /** Stops the container at once and waits until its init process is gone from the host. */
  public void stopNow() {
    Programs.check("docker", "stop", "-t", "0", id);
    await(name + "'s init process (PID " + pid + ") to exit")
        .atMost(Duration.ofSeconds(5))
        .until(() -> !Files.exists(Path.of("/proc", Long.toString(pid))));
  }

  /**
   * Moves its init to the root cgroup of every hierarchy mounted here, where no cgroup names the
   * container any more: what a runtime of an unknown cgroup layout looks like from /proc.
   */
  public void leaveItsCgroups() throws IOException {
    for (MountInfo hierarchy : MountTable.read(Path.of("/proc/self/mountinfo")).mounts()) {
      if (hierarchy.fsType().equals("cgroup") || hierarchy.fsType().equals("cgroup2")) {
        Files.writeString(Path.of(hierarchy.mountPoint(), "cgroup.procs"), Long.toString(pid));
      }
    }
  }

  public MountTable mountTable() throws IOException {
    return MountTable.read(Path.of("/proc", Long.toString(pid), "mountinfo"));
  }

  /**
   * How many lxcfs mounts its namespace holds, hidden ones included: what piles up, if anything.
   */
  public long lxcfsMountCount() throws IOException {
    return mountTable().count(LXCFS);
  }

  /** The lxcfs mounts a process in the container sees (the top one at each target). */
  public List<MountInfo> visibleLxcfsMounts() throws IOException {
    return mountTable().topMounts().stream()
        .filter(m -> m.fsType().equals(LXCFS))
        .collect(Collectors.toList());
  }

  /** Its mount table without the lxcfs mounts: everything a repair must leave exactly as it was. */
  public List<MountInfo> otherMounts() throws IOException {
    return mountTable().mounts().stream()
        .filter(m -> !m.fsType().equals(LXCFS))
        .collect(Collectors.toList());
  }

  /** The visible mount at {@code target}. */
  public MountInfo topAt(String target) throws IOException {
    return mountTable()
        .topAt(target)
        .orElseThrow(() -> new AssertionError("nothing mounted at " + target + " in " + name));
  }
}
