package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cheap stand-in for a container: a sleeping process in a mount namespace of its own ({@code
 * unshare --mount}), into which the test binds lxcfs files with {@code nsenter ... mount --bind}.
 */
public final class StandInContainer implements AutoCloseable {
  private final Process process;

  private StandInContainer(Process process) {
    this.process = process;
  }

  /**
   * Starts a process in a new mount namespace whose mounts have {@code propagation} ({@code
   * private} like Docker's, or {@code slave} so that new host mounts, such as a new lxcfs, appear
   * in it). The namespace starts as a copy of the host's, so it would hold every lxcfs of the
   * machine: all but the test's own are unmounted, so that the test judges only what it owns.
   */
  public static StandInContainer start(LxcfsProcess lxcfs, String propagation) throws IOException {
    StandInContainer container =
        spawn(List.of("unshare", "--mount", "--propagation", propagation, "sleep", "infinity"));
    for (MountInfo mount : container.mountTable().topMounts()) {
      if (mount.fsType().equals("fuse.lxcfs") && !lxcfs.owns(mount.device())) {
        container.exec("umount", "-l", mount.mountPoint());
      }
    }
    return container;
  }

  /** A process with a mount namespace of its own, created inside this one's (a child namespace). */
  public StandInContainer startChild() throws IOException {
    return spawn(
        List.of(
            "nsenter",
            "-t",
            Long.toString(pid()),
            "-m",
            "--",
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sleep",
            "infinity"));
  }

  private static StandInContainer spawn(List<String> command) throws IOException {
    StandInContainer container =
        new StandInContainer(new ProcessBuilder(command).redirectErrorStream(true).start());
    // unshare and nsenter exec the sleep in the same process once the namespace is set up.
    for (int i = 0; i < 500 && !container.ready(); i++) {
      LxcfsProcess.sleep(5);
    }
    if (!container.ready()) {
      container.close();
      throw new IllegalStateException("stand-in container did not start: " + command);
    }
    return container;
  }

  private boolean ready() {
    return process.isAlive()
        && ProcessHandle.of(pid())
            .flatMap(h -> h.info().command())
            .map(c -> c.endsWith("sleep"))
            .orElse(false);
  }

  public long pid() {
    return process.pid();
  }

  /** Binds {@code source} (a host path) over {@code target} inside the namespace. */
  public void bind(Path source, String target, boolean readOnly) {
    exec("mount", "--bind", source.toString(), target);
    if (readOnly) {
      exec("mount", "-o", "remount,bind,ro", target);
    }
  }

  /** Unmounts {@code target} inside the namespace. */
  public void unmount(String target) {
    exec("umount", target);
  }

  /**
   * Runs a command inside the namespace (only the mount namespace: same cgroup, same PID space).
   */
  public String exec(String... command) {
    List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid()), "-m", "--"));
    full.addAll(List.of(command));
    return Programs.check(full.toArray(String[]::new));
  }

  /**
   * Reads a file inside the namespace, as a process of {@code cgroup} (lxcfs answers by cgroup).
   */
  public Programs.Result read(MemoryCgroup cgroup, String file) {
    return cgroup.run("nsenter", "-t", Long.toString(pid()), "-m", "--", "head", "-1", file);
  }

  public MountTable mountTable() throws IOException {
    return MountTable.read(mountinfo());
  }

  public Path mountinfo() {
    return Path.of("/proc", Long.toString(pid()), "mountinfo");
  }

  /** Stops the process (by its PID); its namespace and mounts go with it. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
