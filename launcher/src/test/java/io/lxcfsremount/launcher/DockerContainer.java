package io.lxcfsremount.launcher;

import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A container of the real dockerd that a test started; {@link #close()} removes it. */
final class DockerContainer implements AutoCloseable {
  private final String id;

  private DockerContainer(String id) {
    this.id = id;
  }

  static DockerContainer of(String id) {
    return new DockerContainer(id);
  }

  /** {@code docker run -d ARGS...} (the image and its arguments last). */
  static DockerContainer run(String... args) {
    List<String> command =
        new ArrayList<>(List.of("docker", "run", "-d", "--label", DockerPod.LABEL));
    command.addAll(List.of(args));
    return new DockerContainer(Programs.check(command.toArray(String[]::new)).strip());
  }

  String id() {
    return id;
  }

  /** The host PID of its first process. */
  long pid() {
    return Long.parseLong(inspect("{{.State.Pid}}"));
  }

  String inspect(String format) {
    return Programs.check("docker", "inspect", "--format", format, id).strip();
  }

  boolean running() {
    return inspect("{{.State.Running}}").equals("true");
  }

  Programs.Result exec(String... command) {
    List<String> full = new ArrayList<>(List.of("docker", "exec", id));
    full.addAll(List.of(command));
    return Programs.run(full);
  }

  /** Waits for it to exit; its exit code. */
  int await() {
    return Integer.parseInt(Programs.check("docker", "wait", id).strip());
  }

  String logs() {
    return Programs.run("docker", "logs", id).output();
  }

  MountTable mountTable() throws IOException {
    return MountTable.read(Path.of("/proc", Long.toString(pid()), "mountinfo"));
  }

  /** A line of /proc/PID/status of its first process, e.g. {@code CapEff}. */
  String status(String field) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
        .filter(line -> line.startsWith(field + ":"))
        .map(line -> line.substring(field.length() + 1).strip())
        .findFirst()
        .orElseThrow();
  }

  /**
   * GET http://127.0.0.1:PORT/PATH from inside its network namespace (it has no other network): the
   * body, or empty when the answer is not 200.
   */
  java.util.Optional<String> get(int port, String path) {
    Programs.Result result =
        Programs.run(
            "nsenter",
            "-t",
            Long.toString(pid()),
            "-n",
            "busybox",
            "wget",
            "-q",
            "-O",
            "-",
            "http://127.0.0.1:" + port + path);
    return result.exitCode() == 0
        ? java.util.Optional.of(result.stdout())
        : java.util.Optional.empty();
  }

  @Override
  public void close() {
    Programs.run("docker", "rm", "-f", "-v", id);
  }
}
