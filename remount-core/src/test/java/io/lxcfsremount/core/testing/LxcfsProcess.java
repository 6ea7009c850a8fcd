package io.lxcfsremount.core.testing;

import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real lxcfs of the test's own, mounted in a private temporary folder, stopped and started by its
 * PID. {@link #close()} stops it and unmounts whatever it left, even after a SIGKILL.
 *
 * <p>The folder is made a shared mount, as systemd makes every mount of a real host: new lxcfs
 * mounts then propagate into containers that receive propagation (Docker's {@code rslave}).
 *
 * <p>{@link #startIsolated()} runs it in a private mount namespace of its own instead, as lxcfs
 * runs in a DaemonSet pod seen from a container that mounts nothing of the host: its mounts show in
 * no other namespace, the test's and the agent's included.
 */
public final class LxcfsProcess implements AutoCloseable {
  private final Path home;
  private final Path dir;
  private final List<Device> generations = new ArrayList<>();
  private final StandInContainer namespace;
  private Process process;
  private boolean stopped;

  private LxcfsProcess(Path home, StandInContainer namespace) {
    this.home = home;
    this.dir = home.resolve("lxcfs");
    this.namespace = namespace;
  }

  /** Starts lxcfs in a new private folder and waits until it answers. */
  public static LxcfsProcess start() throws IOException {
    return start(false);
  }

  /**
   * Starts lxcfs in a new private folder, in a private mount namespace of its own that outlives its
   * restarts, and waits until it answers.
   */
  public static LxcfsProcess startIsolated() throws IOException {
    return start(true);
  }

  private static LxcfsProcess start(boolean isolated) throws IOException {
    Path home = Files.createTempDirectory("lxcfs-remount-test");
    Files.createDirectories(home.resolve("lxcfs"));
    Programs.check("mount", "--bind", home.toString(), home.toString());
    Programs.check("mount", "--make-shared", home.toString());
    LxcfsProcess lxcfs =
        new LxcfsProcess(home, isolated ? StandInContainer.namespaceHolder() : null);
    lxcfs.launch();
    return lxcfs;
  }

  /**
   * The command prefix that runs a command in lxcfs's mount namespace: {@code nsenter} into it when
   * it has one of its own, else nothing.
   */
  public List<String> inItsNamespace() {
    return namespace == null
        ? List.of()
        : List.of("nsenter", "-t", Long.toString(namespace.pid()), "-m", "--");
  }

  /** Whether it runs in a mount namespace of its own, whose mounts no other namespace sees. */
  public boolean isolated() {
    return namespace != null;
  }

  /** The folder lxcfs is mounted at (absolute, symlinks resolved, as mountinfo shows it). */
  public Path dir() {
    return dir;
  }

  /** A file lxcfs serves, e.g. {@code proc/meminfo}. */
  public Path file(String relative) {
    return dir.resolve(relative);
  }

  public long pid() {
    return process.pid();
  }

  /** The device number of the lxcfs mounted at the folder now: its generation. */
  public Device generation() throws IOException {
    return topMount()
        .orElseThrow(() -> new IllegalStateException("lxcfs is not mounted at " + dir))
        .device();
  }

  /**
   * Whether {@code device} is one of this lxcfs's generations, past or present: the mounts a test
   * judges. Other lxcfs instances on the machine are none of its business.
   */
  public boolean owns(Device device) {
    return generations.contains(device);
  }

  /** The visible mounts of this lxcfs in {@code table}, live or dead (other lxcfs are not ours). */
  public List<MountInfo> topMountsIn(MountTable table) {
    return table.topMounts().stream()
        .filter(m -> m.fsType().equals("fuse.lxcfs") && owns(m.device()))
        .toList();
  }

  /** The visible mounts of this lxcfs in {@code table} that are not on its live generation. */
  public List<MountInfo> deadIn(MountTable table) throws IOException {
    Device live = generation();
    return topMountsIn(table).stream().filter(m -> !m.device().equals(live)).toList();
  }

  /** Whether every visible mount of this lxcfs in {@code table} is on its live generation. */
  public boolean isLiveIn(MountTable table) throws IOException {
    return deadIn(table).isEmpty();
  }

  /** How many mounts of {@code table}, hidden ones included, belong to this lxcfs. */
  public long mountsIn(MountTable table) {
    return table.mounts().stream()
        .filter(m -> m.fsType().equals("fuse.lxcfs") && owns(m.device()))
        .count();
  }

  /** Stops lxcfs with SIGTERM (it unmounts its folder) and starts it again. */
  public void restart() throws IOException {
    stop();
    launch();
  }

  /** Stops lxcfs with SIGTERM and waits until it has unmounted its folder. */
  public void stop() throws IOException {
    if (process != null && process.isAlive()) {
      process.destroy();
      awaitExit(process.onExit(), "lxcfs (pid " + process.pid() + ") to exit");
    }
    deadline("lxcfs to unmount " + dir, () -> topMount().isEmpty());
  }

  /** Kills lxcfs with SIGKILL: its mount stays, dead (ENOTCONN). */
  public void kill() {
    process.destroyForcibly();
    awaitExit(process.onExit(), "lxcfs (pid " + process.pid() + ") to die");
    stopped = false;
  }

  /**
   * Stops lxcfs with SIGSTOP: mounted and alive, it answers nothing; every reader of its files
   * sleeps until it is killed. {@link #kill()} ends it, {@link #close()} too.
   */
  public void wedge() {
    Programs.check("kill", "-STOP", Long.toString(process.pid()));
    stopped = true;
  }

  /** Lazily unmounts a dead lxcfs mount left by {@link #kill()}. */
  public void unmountDead() {
    Programs.run(command("umount", "-l", dir.toString()));
  }

  private List<String> command(String... command) {
    List<String> full = new ArrayList<>(inItsNamespace());
    full.addAll(List.of(command));
    return full;
  }

  /** Starts lxcfs on the folder and waits until its files answer. */
  public void launch() throws IOException {
    fork();
    awaitServing();
  }

  /**
   * Starts lxcfs on the folder, calls {@code rightAfterFork} at once, before lxcfs has mounted
   * anything (as systemd runs a service's ExecStartPost=), then waits until lxcfs answers.
   *
   * @return what {@code rightAfterFork} returned
   */
  public <T> T launch(Callable<T> rightAfterFork) throws Exception {
    fork();
    T result = rightAfterFork.call();
    awaitServing();
    return result;
  }

  private void fork() throws IOException {
    Path lxcfsBinary =
        Programs.find("lxcfs")
            .orElseThrow(() -> new IllegalStateException("lxcfs is not installed"));
    Files.deleteIfExists(home.resolve("lxcfs.pid"));
    process =
        new ProcessBuilder(
                command(
                    lxcfsBinary.toString(),
                    "-p",
                    home.resolve("lxcfs.pid").toString(),
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("lxcfs.log").toFile())
            .start();
  }

  private void awaitServing() throws IOException {
    deadline(
        "lxcfs to serve " + dir,
        () -> topMount().isPresent() && Files.isReadable(seen("proc/uptime")) && readable());
    generations.add(generation());
  }

  private boolean readable() {
    try {
      return !Files.readString(seen("proc/uptime")).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** A file lxcfs serves, as the test sees it (through its namespace's root when isolated). */
  private Path seen(String relative) {
    Path file = dir.resolve(relative);
    return namespace == null
        ? file
        : Path.of("/proc", Long.toString(namespace.pid()), "root" + file);
  }

  private Optional<MountInfo> topMount() throws IOException {
    return MountTable.read(
            namespace == null ? Path.of("/proc/self/mountinfo") : namespace.mountinfo())
        .topAt(dir.toString())
        .filter(m -> m.fsType().equals("fuse.lxcfs"));
  }

  @Override
  public void close() throws IOException {
    if (stopped && process.isAlive()) {
      // A stopped lxcfs handles no SIGTERM; SIGKILL ends it and wakes every reader of its files.
      kill();
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).isDone()
          || process.isAlive()) {
        process.destroyForcibly();
      }
    }
    for (int i = 0; i < 5 && topMount().isPresent(); i++) {
      Programs.run(command("umount", "-l", dir.toString()));
    }
    if (namespace != null) {
      namespace.close();
    }
    Programs.run("umount", "-l", home.toString());
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private interface Check {
    boolean holds() throws IOException;
  }

  private static void deadline(String what, Check check) {
    await(what)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(check::holds);
  }

  private static void awaitExit(java.util.concurrent.CompletableFuture<Process> exit, String what) {
    try {
      exit.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("timed out waiting for " + what, e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
