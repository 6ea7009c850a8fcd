package io.lxcfsremount.launcher;

import io.lxcfsremount.core.testing.Programs;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code lxcfs-remount} jar (LXCFS_REMOUNT_JAR, set by the build for failsafe), run as a
 * user runs it: {@code java -jar}, its own process, with no LXCFS_REMOUNT_* or DOCKER_HOST variable
 * of the test's environment leaking in.
 */
final class LxcfsRemountJar {
  private LxcfsRemountJar() {}

  static Programs.Result run(String... arguments) throws IOException, InterruptedException {
    String jar = System.getenv("LXCFS_REMOUNT_JAR");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "LXCFS_REMOUNT_JAR is unset or not a file (" + jar + "): run with mvn verify");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("LXCFS_REMOUNT_") || name.equals("DOCKER_HOST"));
    Path out = Files.createTempFile("lxcfs-remount-jar", ".out");
    Path err = Files.createTempFile("lxcfs-remount-jar", ".err");
    try {
      Process process =
          builder
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      return new Programs.Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
