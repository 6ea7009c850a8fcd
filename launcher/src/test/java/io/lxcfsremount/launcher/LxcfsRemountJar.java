package io.lxcfsremount.launcher;

import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.StandInContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built {@code lxcfs-remount} jar (LXCFS_REMOUNT_JAR, set by the build for failsafe), run as it
 * is deployed: {@code java -jar}, its own process, with only the capabilities the DaemonSet and the
 * systemd units grant (full root would hide a call that needs more), and with no LXCFS_REMOUNT_* or
 * DOCKER_HOST variable of the test's environment leaking in.
 */
final class LxcfsRemountJar {
  /** What the DaemonSet's securityContext and the systemd units' CapabilityBoundingSet grant. */
  static final List<String> DEPLOYED_CAPABILITIES =
      List.of(
          "setpriv", "--bounding-set=-all,+sys_admin,+sys_chroot,+sys_ptrace", "--inh-caps=-all");

  private LxcfsRemountJar() {}

  static Programs.Result run(String... arguments) {
    return run(Map.of(), arguments);
  }

  /** Runs it with {@code environment} added to the cleaned environment. */
  static Programs.Result run(Map<String, String> environment, String... arguments) {
    return Programs.run(builder(environment, List.of(arguments)));
  }

  /** The command line, with its environment, to start it in the background. */
  static ProcessBuilder builder(Map<String, String> environment, List<String> arguments) {
    List<String> command = new ArrayList<>(DEPLOYED_CAPABILITIES);
    command.addAll(List.of(java(), "-jar", path()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("LXCFS_REMOUNT_") || name.equals("DOCKER_HOST"));
    builder.environment().putAll(environment);
    return builder;
  }

  /** Runs it to completion as {@link #deployed} starts it. */
  static Programs.Result runDeployed(String... arguments) {
    return Programs.run(deployed(builder(Map.of(), List.of(arguments))));
  }

  /**
   * The flags that keep a test's agent to what the test owns: its lxcfs folder, and its stand-in
   * containers by PID, found by the /proc scan.
   */
  static List<String> ownedBy(LxcfsProcess lxcfs, StandInContainer... containers) {
    List<String> flags =
        new ArrayList<>(List.of("--lxcfs-dir", lxcfs.dir().toString(), "--runtime", "proc"));
    for (StandInContainer container : containers) {
      flags.addAll(List.of("--container", Long.toString(container.pid())));
    }
    return flags;
  }

  static String path() {
    String jar = System.getenv("LXCFS_REMOUNT_JAR");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "LXCFS_REMOUNT_JAR is unset or not a file (" + jar + "): run with mvn verify");
    }
    return jar;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * {@code builder}'s command under exactly the capabilities the deployment grants (the DaemonSet's
   * and the systemd unit's bounding set): CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_SYS_PTRACE.
   */
  static ProcessBuilder deployed(ProcessBuilder builder) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set=-all,+sys_admin,+sys_chroot,+sys_ptrace",
                "--inh-caps=-all",
                "--"));
    command.addAll(builder.command());
    return builder.command(command);
  }
}
