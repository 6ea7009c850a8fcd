package io.lxcfsremount.docker.testing;

import io.lxcfsremount.core.testing.Programs;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Docker containers of one test, run with the docker CLI from the local busybox image, with no
 * network and a 64 MiB memory limit (lxcfs then shows {@code MemTotal: 65536 kB}). {@link #close()}
 * removes every one of them, whatever the test did.
 */
public final class DockerFleet implements AutoCloseable {
  public static final String IMAGE = "local/busybox:1";

  /** On every test container, so that a crashed test's leftovers can be found. */
  public static final String LABEL = "io.lxcfsremount.test";

  private final String prefix =
      "lxcfs-remount-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<String> names = new ArrayList<>();

  /**
   * Runs a container named {@code name} (made unique to this fleet) with extra {@code docker run}
   * arguments such as {@code -v SRC:DST:ro}.
   */
  public TestContainer run(String name, List<String> arguments) {
    return run(name, arguments, List.of());
  }

  /** Runs a container as {@link #run(String, List)} does, with {@code command} instead of CMD. */
  public TestContainer run(String name, List<String> arguments, List<String> command) {
    String fullName = prefix + name;
    names.add(fullName);
    List<String> docker =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "-d",
                "--name",
                fullName,
                "--network",
                "none",
                "-m",
                "64m",
                "--label",
                LABEL + "=1"));
    docker.addAll(arguments);
    docker.add(IMAGE);
    docker.addAll(command);
    Programs.Result result = Programs.run(docker);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", docker) + " failed: " + result.output().strip());
    }
    String id = result.stdout().strip();
    long pid =
        Long.parseLong(
            Programs.check("docker", "inspect", "--format", "{{.State.Pid}}", id).strip());
    return new TestContainer(fullName, id, pid);
  }

  @Override
  public void close() {
    if (!names.isEmpty()) {
      List<String> command = new ArrayList<>(List.of("docker", "rm", "-f"));
      command.addAll(names);
      Programs.run(command);
    }
  }
}
