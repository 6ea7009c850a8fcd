package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the machine's programs from tests: lxcfs, unshare, nsenter, docker. */
public final class Programs {
  private Programs() {}

  /** What a finished program printed, and its exit code. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  /** The program's path on PATH (plus the sbin folders lxcfs lives in). */
  public static Optional<Path> find(String program) {
    List<String> folders =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    folders.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    return folders.stream()
        .map(folder -> Path.of(folder, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Runs {@code command} to completion (60 s at most) and returns what it printed. */
  public static Result run(String... command) {
    return run(List.of(command));
  }

  public static Result run(List<String> command) {
    return run(new ProcessBuilder(command));
  }

  /**
   * Stops {@code process} as a service manager does: SIGTERM, and SIGKILL if it has not exited
   * within 15 s; waits at most 10 s more.
   */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs what {@code builder} describes (its command, environment, folder) to completion. */
  public static Result run(ProcessBuilder builder) {
    List<String> command = builder.command();
    try {
      Path out = Files.createTempFile("lxcfs-remount-test", ".out");
      Path err = Files.createTempFile("lxcfs-remount-test", ".err");
      try {
        Process process =
            builder
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
          throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Runs {@code command} and returns its standard output, failing the test if it fails. */
  public static String check(String... command) {
    Result result = run(command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited "
              + result.exitCode()
              + ": "
              + result.output().strip());
    }
    return result.stdout();
  }
}
