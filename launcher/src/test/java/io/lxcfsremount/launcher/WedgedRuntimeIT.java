package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.SilentSocket;
import io.lxcfsremount.core.testing.StandInContainer;
import io.lxcfsremount.core.testing.WedgeableProxy;
import io.lxcfsremount.docker.testing.DockerFleet;
import io.lxcfsremount.docker.testing.TestContainer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtimes that accept connections and never answer (a wedged dockerd, a wedged containerd): a unix
 * socket listener that does just that stands in for each. The agent runs from its jar under exactly
 * the capabilities the deployment grants; each test repairs only its own containers.
 */
@RequiresReal({LXCFS, DOCKER})
class WedgedRuntimeIT {
  /**
   * A guard against hanging: the 15 s within which a repair must end with both runtimes wedged (the
   * agent's bounds make it about 6 s after start-up); not a speed check.
   */
  private static final Duration HANG_GUARD = Duration.ofSeconds(15);

  /** How long a watch may take to turn ready, or not ready, on a loaded test machine. */
  private static final Duration READY_WAIT = Duration.ofSeconds(30);

  @TempDir Path sockets;

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;
  private DockerFleet fleet;
  private SilentSocket docker;
  private SilentSocket cri;

  @BeforeEach
  void start() throws Exception {
    lxcfs = cleanup.track(LxcfsProcess.start());
    cgroup = cleanup.track(MemoryCgroup.create(LIMIT_BYTES));
    fleet = cleanup.track(new DockerFleet());
    docker = cleanup.track(SilentSocket.listen(sockets.resolve("docker.sock")));
    cri = cleanup.track(SilentSocket.listen(sockets.resolve("containerd.sock")));
  }

  @Test
  void repair_autoWithDockerAndCriWedged_warns_andRepairsEveryNamespaceThroughTheProcScan()
      throws Exception {
    // The stand-in's first row is its copy of the lxcfs folder's own mount, dead too and repaired.
    StandInContainer standIn = standIn();
    standIn.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
    TestContainer asUser =
        fleet.run(
            "as-1000",
            List.of("--user", "1000", "-v", lxcfs.file("proc/meminfo") + ":/proc/meminfo:ro"));
    long standInMounts = standIn.mountTable().count("fuse.lxcfs");
    long asUserMounts = asUser.lxcfsMountCount();
    lxcfs.restart();

    Programs.Result result =
        repair(
            "--runtime",
            "auto",
            "--docker-host",
            docker.uri(),
            "--cri-endpoint",
            cri.uri(),
            "--container",
            Long.toString(standIn.pid()),
            "--container",
            Long.toString(asUser.pid()));

    assertThat(result.exitCode()).as(result.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(result.stderr())
        .containsPattern("WARN .*Docker at " + docker.uri() + " did not answer")
        .containsPattern("WARN .*CRI at " + cri.uri() + " did not answer");
    assertThat(result.stdout())
        .containsPattern("proc +sleep +" + standIn.pid() + " ")
        .containsPattern("(?m)^ +/proc/meminfo +repaired ")
        .containsPattern("proc +\\S+ +" + asUser.pid() + " +/proc/meminfo \\(ro\\) +repaired ")
        .doesNotContain("failed");
    assertThat(standIn.read(cgroup, "/proc/meminfo").stdout()).contains(LIMITED_MEMINFO);
    assertThat(asUser.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    assertThat(standIn.mountTable().count("fuse.lxcfs")).isEqualTo(standInMounts);
    assertThat(asUser.lxcfsMountCount()).isEqualTo(asUserMounts);
    assertThat(docker.accepted()).as("Docker was asked").isPositive();
    assertThat(cri.accepted()).as("CRI was asked").isPositive();
  }

  @Test
  void repair_runtimeDockerWedged_isOneLineNamingIt_exit2() throws Exception {
    Programs.Result result = repair("--runtime", "docker", "--docker-host", docker.uri());

    assertOneLineExit2(
        result,
        "lxcfs-remount: Docker at "
            + docker.uri()
            + " did not answer (GET /_ping )?within [0-9]+ s.*");
  }

  @Test
  void repair_runtimeCriWedged_isOneLineNamingIt_exit2() throws Exception {
    Programs.Result result = repair("--runtime", "cri", "--cri-endpoint", cri.uri());

    assertOneLineExit2(
        result,
        "lxcfs-remount: CRI at " + cri.uri() + " did not answer (Version )?within [0-9]+ m?s.*");
  }

  /**
   * Under {@code --runtime docker}, nothing but Docker names the containers: a Docker that stops
   * answering leaves the agent not knowing what to repair, which is not "nothing to repair".
   */
  @Test
  void watch_runtimeDockerThatHangsMidWatch_isNotReadyWithTheReason_andRepairsOnceItAnswers()
      throws Exception {
    TestContainer watched =
        fleet.run("watched", List.of("-v", lxcfs.file("proc/meminfo") + ":/proc/meminfo"));
    try (WedgeableProxy proxy =
            WedgeableProxy.listen(sockets.resolve("proxy.sock"), Path.of("/var/run/docker.sock"));
        WatchProcess watch = watchThrough(proxy, watched, "--resync", "2s")) {
      Eventually.within(
          READY_WAIT, "ready", () -> watch.get("/readyz").statusCode() == 200, watch::diagnostics);

      proxy.wedge();

      Eventually.within(
          READY_WAIT,
          "not ready, saying Docker does not answer",
          () -> notReadyBecauseOf(watch.get("/readyz"), proxy.uri()),
          watch::diagnostics);
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);

      lxcfs.restart();
      proxy.unwedge();

      Eventually.within(
          Duration.ofSeconds(90),
          "ready again, the container repaired",
          () ->
              watch.get("/readyz").statusCode() == 200
                  && watched.headOf("/proc/meminfo").contains(LIMITED_MEMINFO),
          watch::diagnostics);
      assertThat(watch.log()).contains("repair pass could not run");
    }
  }

  @Test
  void watch_aDockerThatHangsWhenLxcfsRestarts_doesNotHoldUpTheRepairOfKnownContainers()
      throws Exception {
    TestContainer watched =
        fleet.run("known", List.of("-v", lxcfs.file("proc/meminfo") + ":/proc/meminfo"));
    try (WedgeableProxy proxy =
            WedgeableProxy.listen(sockets.resolve("proxy.sock"), Path.of("/var/run/docker.sock"));
        WatchProcess watch = watchThrough(proxy, watched)) {
      Eventually.within(
          READY_WAIT, "ready", () -> watch.get("/readyz").statusCode() == 200, watch::diagnostics);

      proxy.wedge();
      lxcfs.restart();

      Eventually.within(
          Duration.ofSeconds(10),
          "the container repaired while Docker does not answer",
          () -> watched.headOf("/proc/meminfo").contains(LIMITED_MEMINFO),
          watch::diagnostics);
      proxy.unwedge();
    }
  }

  /** A deployed watch of {@code container} alone, asking Docker through {@code proxy}. */
  private WatchProcess watchThrough(WedgeableProxy proxy, TestContainer container, String... more)
      throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--runtime",
                "docker",
                "--docker-host",
                proxy.uri(),
                "--lxcfs-dir",
                lxcfs.dir().toString(),
                "--container",
                container.name()));
    arguments.addAll(List.of(more));
    return WatchProcess.startDeployed(arguments.toArray(String[]::new));
  }

  private static boolean notReadyBecauseOf(HttpResponse<String> readyz, String endpoint) {
    return readyz.statusCode() == 503
        && readyz.body().startsWith("the last pass could not run: docker: Docker at " + endpoint)
        && readyz.body().contains("did not answer");
  }

  private StandInContainer standIn() throws Exception {
    return cleanup.track(StandInContainer.start(lxcfs, "private"));
  }

  /** {@code repair} with this test's lxcfs, as deployed, bounded by the hang guard. */
  private Programs.Result repair(String... arguments) {
    List<String> command =
        new ArrayList<>(List.of("repair", "--lxcfs-dir", lxcfs.dir().toString()));
    command.addAll(List.of(arguments));
    long start = System.nanoTime();
    Programs.Result result =
        Programs.run(LxcfsRemountJar.deployed(LxcfsRemountJar.builder(Map.of(), command)));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("hang guard: repair ended")
        .isLessThan(HANG_GUARD);
    return result;
  }

  private static void assertOneLineExit2(Programs.Result result, String linePattern) {
    assertThat(result.exitCode()).as(result.output()).isEqualTo(ExitCode.USAGE);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr().lines().toList()).hasSize(1);
    assertThat(result.stderr().strip()).matches(Pattern.compile(linePattern));
  }
}
