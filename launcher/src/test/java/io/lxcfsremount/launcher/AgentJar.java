package io.lxcfsremount.launcher;

import io.lxcfsremount.core.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The runnable jar that {@code mvn package} built, run as users run it. */
final class AgentJar {
  private AgentJar() {}

  /** Runs {@code java -jar lxcfs-remount.jar ARGS} with the JVM running the tests. */
  static Programs.Result run(String... args) {
    String jar = System.getenv("LXCFS_REMOUNT_JAR");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("LXCFS_REMOUNT_JAR is not the built jar: " + jar + " (run mvn verify)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    return Programs.run(command);
  }
}
