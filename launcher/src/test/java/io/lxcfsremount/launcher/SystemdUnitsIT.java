package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The systemd units of scripts/systemd, their command lines taken verbatim from the files (only the
 * installed command replaced by the repository's scripts/lxcfs-remount), against a real lxcfs and
 * real Docker containers. No systemd runs on these machines: the tests do what systemd would.
 *
 * <p>The machine is shared with other tests, so each command line gets {@code --container PID} for
 * each of this test's containers appended, and the test's lxcfs folder through the environment
 * ({@code LXCFS_REMOUNT_LXCFS_DIR}).
 */
@RequiresReal({LXCFS, DOCKER})
class SystemdUnitsIT {
  private static final BigInteger SYS_ADMIN_SYS_CHROOT_SYS_PTRACE =
      BigInteger.ZERO.setBit(21).setBit(18).setBit(19);

  private LxcfsProcess lxcfs;
  private final LimitedContainers containers = new LimitedContainers();
  private Path log;
  private Process agent;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    containers.start(2, lxcfs.dir());
    log = Files.createTempFile("lxcfs-remount-systemd", ".log");
  }

  @AfterEach
  void stop() throws Exception {
    try (LxcfsProcess l = lxcfs) {
      if (agent != null) {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      containers.close();
      Files.deleteIfExists(log);
    }
  }

  @Test
  void execStartPost_runRightAfterLxcfsIsForked_waitsForIt_andRepairsEveryContainer()
      throws Exception {
    List<String> command = serviceCommand(SystemdUnits.dropIn(), "ExecStartPost");
    assertThat(command).containsSubsequence("repair", "--wait", "30s");
    lxcfs.stop();

    Process repair =
        lxcfs.launch(
            () -> {
              assertThat(
                      MountTable.read(Path.of("/proc/self/mountinfo"))
                          .topAt(lxcfs.dir().toString()))
                  .as("lxcfs has not mounted yet")
                  .isEmpty();
              return start(command);
            });

    assertThat(repair.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(repair.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log))
        .contains("lxcfs at " + lxcfs.dir() + " is healthy, generation " + lxcfs.generation())
        .contains("4 repaired in 2 of 2 containers");
    assertThat(containers.allLimited()).isTrue();
  }

  /**
   * scripts/lxcfs-remount dumps a class-data archive after the first repair or status, and later
   * runs map it: under -Xshare:on the JVM refuses to start rather than run without an archive, and
   * the agent's own classes (which the JDK's archive lacks) are loaded from it. A run that only
   * prints its help, before, makes none: it would hold none of a pass's classes.
   */
  @Test
  void theHook_makesAClassDataArchiveOnItsFirstRun_thatItsNextRunMaps() throws Exception {
    List<String> command = serviceCommand(SystemdUnits.dropIn(), "ExecStartPost");
    Path folder = Files.createTempDirectory("lxcfs-remount-archive");
    Path archive = folder.resolve("lxcfs-remount.jsa");
    Path loaded = folder.resolve("classes-loaded.log");
    try {
      Process help =
          start(
              List.of(command.get(0), "status", "--help"), "LXCFS_REMOUNT_CDS_ARCHIVE=" + archive);
      assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(help.exitValue()).as(Files.readString(log)).isZero();
      assertThat(archive).doesNotExist();

      lxcfs.restart();
      Process first = start(command, "LXCFS_REMOUNT_CDS_ARCHIVE=" + archive);
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as(Files.readString(log)).isZero();
      assertThat(archive).as(Files.readString(log)).isRegularFile();

      lxcfs.restart();
      Process next =
          start(
              command,
              "LXCFS_REMOUNT_CDS_ARCHIVE=" + archive,
              "JAVA_TOOL_OPTIONS=-Xshare:on -Xlog:class+load=info:file=" + loaded);
      assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(next.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readString(log)).contains("4 repaired in 2 of 2 containers");
      assertThat(containers.allLimited()).isTrue();
      assertThat(Files.readString(loaded))
          .contains(Main.class.getName() + " source: shared objects file");
    } finally {
      deleteArchive(folder);
    }
  }

  /**
   * A status by hand after the hook made the archive adds its own classes to it, once: a later
   * status then maps its command from the archive, and so does the hook's next repair.
   */
  @Test
  void aStatusAfterTheHook_addsItsClassesToTheArchive_andBothMapThemThen() throws Exception {
    List<String> hook = serviceCommand(SystemdUnits.dropIn(), "ExecStartPost");
    List<String> status = new ArrayList<>(List.of(hook.get(0), "status"));
    status.addAll(containers.filterArguments());
    Path folder = Files.createTempDirectory("lxcfs-remount-archive");
    Path archive = folder.resolve("lxcfs-remount.jsa");
    Path classes = folder.resolve("lxcfs-remount.jsa.classes");
    Path loaded = folder.resolve("classes-loaded.log");
    String useIt = "LXCFS_REMOUNT_CDS_ARCHIVE=" + archive;
    String logLoads = "JAVA_TOOL_OPTIONS=-Xshare:on -Xlog:class+load=info:file=" + loaded;
    try {
      lxcfs.restart();
      assertThat(exitOf(start(hook, useIt))).isZero();
      assertThat(Files.readAllLines(classes).get(0)).endsWith(": repair");

      assertThat(exitOf(start(status, useIt))).isZero();
      assertThat(Files.readAllLines(classes).get(0)).endsWith(": repair status");
      assertThat(exitOf(start(status, useIt, logLoads))).isZero();
      assertThat(Files.readString(log)).contains("4 healthy in 2 of 2 containers");
      assertThat(Files.readString(loaded))
          .contains(StatusCommand.class.getName() + " source: shared objects file");

      lxcfs.restart();
      assertThat(exitOf(start(hook, useIt, logLoads))).isZero();
      assertThat(Files.readString(log)).contains("4 repaired in 2 of 2 containers");
      assertThat(containers.allLimited()).isTrue();
      assertThat(Files.readString(loaded))
          .contains(RepairCommand.class.getName() + " source: shared objects file");
      assertThat(Files.readAllLines(classes).get(0)).endsWith(": repair status");
    } finally {
      deleteArchive(folder);
    }
  }

  private int exitOf(Process process) throws Exception {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
    return process.exitValue();
  }

  /**
   * The folder, with the archive, its class list and the class-load logs (the JVM keeps the one it
   * finds there as {@code .0}).
   */
  private static void deleteArchive(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(folder);
  }

  @Test
  void theWatchService_underItsCapabilityBoundingSetAndNoNewPrivileges_repairsEachRestart()
      throws Exception {
    Path unit = SystemdUnits.watchService();
    List<String> command = serviceCommand(unit, "ExecStart");
    String capabilities =
        SystemdUnits.setting(unit, "Service", "CapabilityBoundingSet").orElseThrow();
    assertThat(SystemdUnits.setting(unit, "Service", "NoNewPrivileges")).hasValue("yes");
    // What systemd does to a root service with those two settings; setpriv does the same here.
    List<String> confined =
        new ArrayList<>(
            List.of(
                "setpriv", "--no-new-privs", "--bounding-set", boundingSet(capabilities), "--"));
    confined.addAll(command);
    agent = start(confined, "LXCFS_REMOUNT_LISTEN=127.0.0.1:0");
    int port = WatchProcess.awaitPort(agent, log);
    Eventually.within(
        Duration.ofSeconds(10),
        "ready",
        () -> get(port, "/readyz").statusCode() == 200,
        () -> Files.readString(log));

    lxcfs.restart();

    Eventually.within(
        Duration.ofSeconds(5),
        "every container repaired",
        containers::allLimited,
        () -> Files.readString(log));
    String status = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "status"));
    assertThat(new BigInteger(field(status, "CapEff"), 16))
        .isEqualTo(SYS_ADMIN_SYS_CHROOT_SYS_PTRACE);
    assertThat(field(status, "NoNewPrivs")).isEqualTo("1");
    assertThat(Files.readString(log))
        .contains("repair pass: 4 repaired in 2 of 2 containers")
        .doesNotContain("WARN");
  }

  /**
   * The command line of {@code setting} in the unit's [Service] section, for this test's
   * containers.
   */
  private List<String> serviceCommand(Path unit, String setting) throws IOException {
    return forThisTest(
        SystemdUnits.commandLine(SystemdUnits.setting(unit, "Service", setting).orElseThrow()));
  }

  /** The command line, limited to this test's containers (the machine is shared). */
  private List<String> forThisTest(List<String> unitCommand) {
    List<String> command = SystemdUnits.fromTheRepository(unitCommand);
    command.addAll(containers.filterArguments());
    return command;
  }

  private Process start(List<String> command, String... environment) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("LXCFS_REMOUNT_LXCFS_DIR", lxcfs.dir().toString());
    for (String variable : environment) {
      builder
          .environment()
          .put(
              variable.substring(0, variable.indexOf('=')),
              variable.substring(variable.indexOf('=') + 1));
    }
    return builder.start();
  }

  /** CAP_SYS_ADMIN CAP_SYS_CHROOT to setpriv's -all,+sys_admin,+sys_chroot. */
  private static String boundingSet(String capabilityBoundingSet) {
    StringBuilder set = new StringBuilder("-all");
    for (String capability : capabilityBoundingSet.strip().split("\\s+")) {
      set.append(",+")
          .append(capability.replaceFirst("^CAP_", "").toLowerCase(java.util.Locale.ROOT));
    }
    return set.toString();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String field(String status, String name) {
    return status
        .lines()
        .filter(l -> l.startsWith(name + ":"))
        .findFirst()
        .orElseThrow()
        .substring(name.length() + 1)
        .strip();
  }
}
