package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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

  /** Where other tests and daemons mount and unmount things while a test runs. */
  private static final List<String> BUSY_FOLDERS =
      List.of("/tmp/", "/run/", "/var/run/", "/var/lib/docker/", "/var/lib/containerd/");

  /**
   * Starts a process in a new mount namespace whose mounts have {@code propagation} ({@code
   * private} like Docker's, or {@code slave} so that new host mounts, such as a new lxcfs, appear
   * in it).
   *
   * <p>The namespace starts as a copy of the host's, with every lxcfs and every container mount of
   * the machine. Those of others are unmounted: the test judges only what it owns, and nothing
   * changes under its feet (deleting a folder that is a mount point on the host detaches its copies
   * in every namespace, so another test's cleanup would otherwise change this one's mount table).
   */
  public static StandInContainer start(LxcfsProcess lxcfs, String propagation) throws IOException {
    return start(propagation, List.of(lxcfs));
  }

  /** As {@link #start(LxcfsProcess, String)}, keeping the mounts of each of {@code lxcfs}. */
  public static StandInContainer start(String propagation, List<LxcfsProcess> lxcfs)
      throws IOException {
    return start(propagation, lxcfs, List.of("sleep", "infinity"));
  }

  /**
   * As {@link #start(LxcfsProcess, String)} with private propagation, its process running as user
   * and group {@code uid} (as a container started with {@code --user UID}).
   */
  public static StandInContainer startAs(LxcfsProcess lxcfs, int uid) throws IOException {
    String id = Integer.toString(uid);
    return start(
        "private",
        List.of(lxcfs),
        List.of(
            "setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "sleep", "infinity"));
  }

  private static StandInContainer start(
      String propagation, List<LxcfsProcess> lxcfs, List<String> sleeper) throws IOException {
    List<String> command = new ArrayList<>(lxcfs.get(0).inItsNamespace());
    command.addAll(List.of("unshare", "--mount", "--propagation", propagation));
    command.addAll(sleeper);
    StandInContainer container = spawn(command);
    List<String> homes = lxcfs.stream().map(l -> l.dir().getParent() + "/").toList();
    List<MountInfo> mounts = new ArrayList<>(container.mountTable().mounts());
    Collections.reverse(mounts);
    for (MountInfo mount : mounts) {
      String point = mount.mountPoint();
      boolean othersLxcfs =
          mount.fsType().equals("fuse.lxcfs")
              && lxcfs.stream().noneMatch(l -> l.owns(mount.device()));
      boolean othersFolder =
          BUSY_FOLDERS.stream().anyMatch(point::startsWith)
              && homes.stream().noneMatch((point + "/")::startsWith);
      if (othersLxcfs || othersFolder) {
        Programs.run(
            "nsenter", "-t", Long.toString(container.pid()), "-m", "--", "umount", "-l", point);
      }
    }
    return container;
  }

  /**
   * A sleeping process in a private mount namespace of its own, which holds that namespace while
   * the processes started in it come and go.
   */
  static StandInContainer namespaceHolder() throws IOException {
    return spawn(List.of("unshare", "--mount", "--propagation", "private", "sleep", "infinity"));
  }

  /** A process with a mount namespace of its own, created inside this one's (a child namespace). */
  public StandInContainer startChild() throws IOException {
    return startInside("--mount", "--propagation", "private");
  }

  /**
   * A nested container: a process in a user namespace of its own (root mapped to root) with a mount
   * namespace of its own inside this one's. The lxcfs mounts it inherits are locked (MNT_LOCKED),
   * as in containers in containers, rootless engines and sysbox.
   */
  public StandInContainer startNested() throws IOException {
    return startInside("--user", "--map-root-user", "--mount");
  }

  /** A sleeping process that {@code unshare UNSHARE...} starts inside this one's namespace. */
  private StandInContainer startInside(String... unshare) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid()), "-m", "--", "unshare"));
    command.addAll(List.of(unshare));
    command.addAll(List.of("sleep", "infinity"));
    return spawn(command);
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
