package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LimitedStandIn;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real command line, run as a user runs it (java -jar), against a real lxcfs and stand-in
 * containers: what it prints, and its exit codes for good and bad input.
 */
@RequiresReal(LXCFS)
class CommandLineIT {
  // What the agent's "auto" picks on this kernel: atomic-swap from 6.5, detach-attach before.
  private static final String STRATEGY = Linux.bestStrategy().cliName();

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LimitedStandIn fixture;
  private LxcfsProcess lxcfs;
  private StandInContainer container;

  @BeforeEach
  void start() throws Exception {
    fixture = cleanup.track(LimitedStandIn.start("proc/cpuinfo"));
    lxcfs = fixture.lxcfs();
    container = fixture.container();
  }

  @Test
  void repair_restoresTheContainersView_andPrintsATable() throws Exception {
    lxcfs.restart();

    Programs.Result result = lxcfsRemount("repair", "--runtime", "proc", "--container", pid());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout())
        .containsPattern("/proc/meminfo \\(ro\\) +repaired +" + STRATEGY)
        .containsPattern("/proc/cpuinfo +repaired +" + STRATEGY)
        .containsPattern("3 repaired in 1 of 1 containers \\(\\d+ ms\\)");
    assertThat(fixture.meminfo().stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void repair_asJson_isOneDocument() throws Exception {
    lxcfs.restart();

    Programs.Result result = lxcfsRemount("repair", "--output", "json", "--container", pid());

    JsonNode json = new ObjectMapper().readTree(result.stdout());
    assertThat(result.exitCode()).isZero();
    assertThat(json.get("lxcfs").get("dir").asText()).isEqualTo(lxcfs.dir().toString());
    assertThat(json.get("containers").get(0).get("pid").asLong()).isEqualTo(container.pid());
    assertThat(json.get("containers").get(0).get("mounts")).hasSize(3);
    assertThat(json.get("summary").get("repaired").asInt()).isEqualTo(3);
    assertThat(json.get("summary").has("elapsedMillis")).isTrue();
  }

  @Test
  void status_exitsOneWhileMountsAreStale_andZeroAfterRepair() throws Exception {
    lxcfs.restart();

    Programs.Result stale = lxcfsRemount("status", "--container", pid());
    lxcfsRemount("repair", "--container", pid());
    Programs.Result healthy = lxcfsRemount("status", "--container", pid());

    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.stdout()).containsPattern("/proc/meminfo \\(ro\\) +stale");
    assertThat(healthy.exitCode()).isZero();
    assertThat(healthy.stdout()).contains("3 healthy in 1 of 1 containers");
  }

  @Test
  void dryRun_changesNothing_andExitsOne() throws Exception {
    lxcfs.restart();
    String before = Files.readString(container.mountinfo());

    Programs.Result result = lxcfsRemount("repair", "--dry-run", "--container", pid());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).contains("would-repair");
    assertThat(Files.readString(container.mountinfo())).isEqualTo(before);
  }

  @Test
  void flagsAlsoComeFromTheEnvironment() throws Exception {
    lxcfs.restart();

    Programs.Result result =
        LxcfsRemountJar.run(
            Map.of(
                "LXCFS_REMOUNT_LXCFS_DIR", lxcfs.dir().toString(), "LXCFS_REMOUNT_OUTPUT", "json"),
            "repair",
            "--container",
            pid());

    assertThat(result.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(result.stdout()).get("summary").get("repaired").asInt())
        .isEqualTo(3);
  }

  @Test
  void anUnknownFlag_isOneLine_exitTwo() {
    assertOneLineError(lxcfsRemount("repair", "--bogus"), 2, "Unknown option: '--bogus'");
  }

  @Test
  void aMisspeltCommandOrFlag_isOneLine_withTheLikelyName_exitTwo() {
    // Nothing else on these command lines: none of them gets past parsing.
    assertOneLineError(LxcfsRemountJar.run("repiar"), 2, "'repiar'; did you mean repair?");
    assertOneLineError(
        LxcfsRemountJar.run("status", "--outptu", "json"),
        2,
        "'--outptu', 'json'; did you mean --output?");
    assertOneLineError(
        LxcfsRemountJar.run("frobnicate"), 2, "'frobnicate' (see lxcfs-remount --help)");
  }

  @Test
  void badOptionValues_arePicocliOneLiners_exitTwo() {
    // Each run is kept to this test's lxcfs and container, should a bad value ever be taken.
    assertOneLineError(
        ownRun("repair", "--strategy", "atomic"),
        2,
        "Invalid value for option '--strategy': 'atomic' is not a strategy (expected auto,"
            + " atomic-swap, detach-attach or classic)");
    assertOneLineError(
        ownRun("watch", "--listen", "127.0.0.1:0", "--kubernetes-events", "maybe"),
        2,
        "Invalid value for option '--kubernetes-events': expected one of [AUTO, TRUE, FALSE]");
    assertOneLineError(
        ownRun("watch", "--listen", "localhost"),
        2,
        "Invalid value for option '--listen': 'localhost' is not HOST:PORT (expected e.g."
            + " 127.0.0.1:9477)");
  }

  @Test
  void aFolderThatIsNotAnLxcfsMount_isOneLine_exitTwo() throws Exception {
    Path plain = Files.createTempDirectory("not-lxcfs");
    try {
      assertOneLineError(
          LxcfsRemountJar.run("repair", "--lxcfs-dir", plain.toString()),
          2,
          plain + " is not an lxcfs mount");
    } finally {
      Files.delete(plain);
    }
  }

  @Test
  void aDeadLxcfs_thatStaysDeadThroughWait_isOneLine_exitThree() throws Exception {
    lxcfs.kill();

    Programs.Result result = lxcfsRemount("repair", "--wait", "1s");

    assertOneLineError(result, 3, "no healthy lxcfs at " + lxcfs.dir() + " within 1000 ms");
    lxcfs.unmountDead();
  }

  @Test
  void aDeadLxcfs_withoutWait_isOneLine_exitThree() throws Exception {
    lxcfs.kill();

    assertOneLineError(
        lxcfsRemount("repair"),
        3,
        "is not healthy: statx " + lxcfs.dir() + "/proc/meminfo: ENOTCONN");
    lxcfs.unmountDead();
  }

  @Test
  void repairWithWait_startedBeforeLxcfs_waitsForIt_thenRepairs() throws Exception {
    lxcfs.stop();
    Process repair =
        LxcfsRemountJar.builder(
                Map.of(),
                List.of(
                    "repair",
                    "--wait",
                    "30s",
                    "--lxcfs-dir",
                    lxcfs.dir().toString(),
                    "--container",
                    pid()))
            .redirectErrorStream(true)
            .start();
    cleanup.track(repair::destroyForcibly);
    Thread.sleep(1500);
    assertThat(repair.isAlive()).isTrue();

    lxcfs.launch();

    // Its own --wait is 30 s; a repair that outlives it by far is hung.
    assertThat(repair.waitFor(60, TimeUnit.SECONDS)).as("repair exited within 60 s").isTrue();
    assertThat(repair.exitValue()).isZero();
    assertThat(new String(repair.getInputStream().readAllBytes())).contains("3 repaired");
    assertThat(fixture.meminfo().stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void notRoot_isOneLine_exitTwo() {
    Programs.Result result =
        Programs.run(
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "java",
            "-Djava.io.tmpdir=/tmp",
            "-jar",
            LxcfsRemountJar.path(),
            "repair",
            "--lxcfs-dir",
            lxcfs.dir().toString());

    assertOneLineError(result, 2, "repair needs CAP_SYS_ADMIN (run it as root)");
  }

  @Test
  void anArchitectureWithoutASystemCallTable_isOneLine_exitTwo() {
    Programs.Result result =
        Programs.run(
            "java",
            "-Dos.arch=ppc64le",
            "-jar",
            LxcfsRemountJar.path(),
            "repair",
            "--lxcfs-dir",
            lxcfs.dir().toString());

    assertOneLineError(
        result,
        2,
        "architecture ppc64le is not supported: lxcfs-remount knows the system calls of x86_64"
            + " and aarch64 only");
  }

  @Test
  void aContainerFilterThatMatchesNothing_isOneLine_exitTwo() {
    Programs.Result result = lxcfsRemount("repair", "--container", "no-such-container");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr().strip())
        .isEqualTo("lxcfs-remount: no running container matches --container no-such-container");
  }

  @Test
  void version_andHelp_exitZero() {
    assertThat(LxcfsRemountJar.run("--version").stdout()).startsWith("lxcfs-remount ");
    Programs.Result help = LxcfsRemountJar.run("repair", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains("--lxcfs-dir", "--dry-run", "--wait", "--container", "--output");
  }

  /** A failure as a user must see it: the exit code, and one line on stderr saying why. */
  static void assertOneLineError(Programs.Result result, int exitCode, String message) {
    assertThat(result.exitCode()).isEqualTo(exitCode);
    List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("lxcfs-remount: ").contains(message);
    assertThat(result.output()).doesNotContain("Exception", "\tat ");
  }

  private Programs.Result lxcfsRemount(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--lxcfs-dir", lxcfs.dir().toString()));
    return LxcfsRemountJar.run(command.toArray(String[]::new));
  }

  private Programs.Result ownRun(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(LxcfsRemountJar.ownedBy(lxcfs, container));
    return LxcfsRemountJar.run(command.toArray(String[]::new));
  }

  private String pid() {
    return Long.toString(container.pid());
  }
}
