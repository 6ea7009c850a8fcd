package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import io.lxcfsremount.docker.testing.DockerFleet;
import io.lxcfsremount.docker.testing.TestContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lxcfs-remount} with Docker, as a user runs it: the built jar, a real dockerd, a real
 * lxcfs. Every repair is limited with {@code --container} to this test's own containers.
 */
@RequiresReal({LXCFS, DOCKER})
class DockerCommandLineIT {
  private static final String NOWHERE = "unix:///nonexistent.sock";

  private LxcfsProcess lxcfs;
  private DockerFleet fleet;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    fleet = new DockerFleet();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      fleet.close();
    } finally {
      lxcfs.close();
    }
  }

  @Test
  void repair_runtimeDockerUnreachable_isOneLineNamingTheSocket_exit2() throws Exception {
    Programs.Result result =
        LxcfsRemountJar.run(
            "repair", "--runtime", "docker", "--docker-host", NOWHERE, "--lxcfs-dir", dir());

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr().lines().toList())
        .containsExactly(
            "lxcfs-remount: cannot reach Docker at " + NOWHERE + ": no such file or directory");
  }

  @Test
  void repair_dockerHostThatIsNoEndpoint_isOneLine_exit2() throws Exception {
    Programs.Result result =
        LxcfsRemountJar.run("status", "--docker-host", "docker.sock", "--lxcfs-dir", dir());

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.stderr().lines().toList())
        .containsExactly(
            "lxcfs-remount: --docker-host: 'docker.sock' is not a Docker host (expected"
                + " unix:///path/to/docker.sock or tcp://HOST:PORT)");
  }

  @Test
  void repair_autoWithDockerUnreachable_warnsAndRepairsFromTheProcScan() throws Exception {
    try (StandInContainer standIn = StandInContainer.start(lxcfs, "private")) {
      standIn.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
      dropInheritedLxcfsMounts(standIn);
      lxcfs.restart();

      Programs.Result result =
          LxcfsRemountJar.run(
              "repair",
              "--runtime",
              "auto",
              "--docker-host",
              NOWHERE,
              "--lxcfs-dir",
              dir(),
              "--container",
              Long.toString(standIn.pid()));

      assertThat(result.exitCode()).as(result.output()).isEqualTo(ExitCode.CLEAN);
      assertThat(result.stderr())
          .containsPattern(
              "WARN .*cannot reach Docker at " + NOWHERE + ": no such file or directory");
      assertThat(result.stdout())
          .containsPattern("proc +sleep +" + standIn.pid() + " ")
          .containsPattern(" /proc/meminfo +repaired ");
    }
  }

  @Test
  void repair_containerByNameThenById_repairsOnlyThatOne() throws Exception {
    TestContainer first = fleet.run("first", meminfo());
    TestContainer second = fleet.run("second", meminfo());
    lxcfs.restart();

    Programs.Result byName = repairDocker("--container", first.name());

    assertThat(byName.exitCode()).as(byName.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(byName.stdout()).contains(first.name()).doesNotContain(second.name());
    assertThat(first.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    assertThat(second.headOf("/proc/meminfo")).contains(ENOTCONN);

    Programs.Result byId = repairDocker("--container", second.id().substring(0, 12));

    assertThat(byId.exitCode()).as(byId.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(byId.stdout()).contains(second.name()).doesNotContain(first.name());
    assertThat(second.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
  }

  /**
   * Under the capabilities it is deployed with (no CAP_KILL, no CAP_DAC_OVERRIDE), the agent
   * repairs containers whose processes run as other users: pods with runAsUser, every pod's pause
   * process.
   */
  @Test
  void repair_containersOfEveryUser_eachReadsItsLimitAgain() throws Exception {
    Map<Integer, TestContainer> byUser = containersOfEveryUser();
    Map<Integer, Long> lxcfsMountsBefore = lxcfsMountCounts(byUser);
    lxcfs.restart();

    Programs.Result result = repairDocker(containerArguments(byUser.values()));

    assertThat(result.exitCode()).as(result.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(result.stdout()).contains("3 repaired in 3 of 3 containers");
    byUser.forEach(
        (uid, container) ->
            assertThat(container.headOf("/proc/meminfo", uid)).contains(LIMITED_MEMINFO));
    assertThat(lxcfsMountCounts(byUser)).isEqualTo(lxcfsMountsBefore);
  }

  @Test
  void watch_containersOfEveryUser_eachReadsItsLimitAgainAfterEachRestart() throws Exception {
    Map<Integer, TestContainer> byUser = containersOfEveryUser();
    List<String> arguments = new ArrayList<>(List.of("--runtime", "docker", "--lxcfs-dir", dir()));
    arguments.addAll(containerArguments(byUser.values()));
    try (WatchProcess watch = WatchProcess.start(arguments.toArray(String[]::new))) {
      Eventually.within(
          Duration.ofSeconds(10),
          "ready",
          () -> watch.get("/readyz").statusCode() == 200,
          watch::diagnostics);
      for (int restart = 0; restart < 2; restart++) {
        lxcfs.restart();

        Eventually.within(
            Duration.ofSeconds(10),
            "every container reads its limit",
            () ->
                byUser.entrySet().stream()
                    .allMatch(
                        e ->
                            e.getValue()
                                .headOf("/proc/meminfo", e.getKey())
                                .contains(LIMITED_MEMINFO)),
            watch::diagnostics);
      }
      assertThat(watch.log()).doesNotContain("EPERM");
    }
  }

  /**
   * A container created with an lxcfs bind that has nothing at its target (a detach-then-attach cut
   * short by a crash, here an umount in its namespace): {@code watch}, deployed, attaches it in its
   * first pass and counts it; the container is back to its own mounts, no more.
   */
  @Test
  void watch_aMissingLxcfsMount_isAttached_andCounted() throws Exception {
    TestContainer container = fleet.run("missing", meminfo());
    long lxcfsMounts = container.lxcfsMountCount();
    Programs.Result detached =
        Programs.run(
            "nsenter", "-t", Long.toString(container.pid()), "-m", "umount", "/proc/meminfo");
    assertThat(detached.exitCode()).as(detached.output()).isZero();
    assertThat(container.lxcfsMountCount()).isEqualTo(lxcfsMounts - 1);

    try (WatchProcess watch =
        WatchProcess.startDeployed(
            "--runtime",
            "docker",
            "--lxcfs-dir",
            dir(),
            "--kubernetes-events",
            "false",
            "--container",
            container.name())) {
      Eventually.within(
          Duration.ofSeconds(30),
          "the missing mount attached",
          () -> container.headOf("/proc/meminfo").contains(LIMITED_MEMINFO),
          watch::diagnostics);
      Eventually.within(
          Duration.ofSeconds(10),
          "the attach counted",
          () -> watch.metric("lxcfs_remount_repairs_total{result=\"attached\"}") == 1.0,
          watch::diagnostics);
    }
    assertThat(container.lxcfsMountCount()).isEqualTo(lxcfsMounts);
  }

  /**
   * A pod under cri-dockerd: the webhook's record is a label of the pod's sandbox (the shim copies
   * the pod's annotations there as {@code annotation.KEY}). A container it names, created without
   * the lxcfs file at /proc/meminfo, is reported missing, and {@code repair} attaches it.
   */
  @Test
  void aContainerTheWebhooksRecordNames_withoutItsFile_isMissing_andRepairAttachesIt()
      throws Exception {
    TestContainer sandbox =
        fleet.run(
            "sandbox",
            List.of(
                "--label", "annotation.lxcfs-remount.io/injected={\"app\":[\"/proc/meminfo\"]}"));
    TestContainer app =
        fleet.run(
            "app",
            List.of(
                "--label",
                "io.kubernetes.sandbox.id=" + sandbox.id(),
                "--label",
                "io.kubernetes.container.name=app"));
    long lxcfsMounts = app.lxcfsMountCount();
    assertThat(app.headOf("/proc/meminfo")).doesNotContain(LIMITED_MEMINFO);

    Programs.Result status =
        LxcfsRemountJar.run(
            "status", "--runtime", "docker", "--lxcfs-dir", dir(), "--container", app.name());

    assertThat(status.exitCode()).as(status.output()).isEqualTo(ExitCode.DEAD_MOUNTS);
    assertThat(status.stdout()).containsPattern(app.name() + " .*/proc/meminfo \\(ro\\) +missing");

    Programs.Result repair = repairDocker("--container", app.name());

    assertThat(repair.exitCode()).as(repair.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(repair.stdout()).containsPattern(app.name() + " .*/proc/meminfo \\(ro\\) +attached");
    assertThat(app.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    assertThat(app.lxcfsMountCount()).isEqualTo(lxcfsMounts + 1);
  }

  private Map<Integer, TestContainer> containersOfEveryUser() {
    Map<Integer, TestContainer> byUser = new LinkedHashMap<>();
    for (int uid : new int[] {0, 1000, 65535}) {
      byUser.put(
          uid,
          fleet.run("user-" + uid, concat(meminfo(), List.of("--user", Integer.toString(uid)))));
    }
    byUser.forEach(
        (uid, container) ->
            assertThat(container.headOf("/proc/meminfo", uid)).contains(LIMITED_MEMINFO));
    return byUser;
  }

  private static Map<Integer, Long> lxcfsMountCounts(Map<Integer, TestContainer> byUser)
      throws Exception {
    Map<Integer, Long> counts = new LinkedHashMap<>();
    for (Map.Entry<Integer, TestContainer> entry : byUser.entrySet()) {
      counts.put(entry.getKey(), entry.getValue().lxcfsMountCount());
    }
    return counts;
  }

  private static List<String> containerArguments(Collection<TestContainer> containers) {
    List<String> arguments = new ArrayList<>();
    containers.forEach(c -> arguments.addAll(List.of("--container", c.name())));
    return arguments;
  }

  /**
   * The default runtime is auto: Docker names the container, the /proc scan does not list it again.
   */
  @Test
  void repair_byDefault_reportsADockerContainerOnce_underItsNameAndPod() throws Exception {
    TestContainer inPod =
        fleet.run(
            "in-pod",
            concat(
                meminfo(),
                List.of(
                    "--label", "io.kubernetes.pod.name=web-0",
                    "--label", "io.kubernetes.pod.namespace=shop",
                    "--label", "io.kubernetes.pod.uid=5f0c1a9e")));
    lxcfs.restart();

    Programs.Result result =
        LxcfsRemountJar.run(
            "repair",
            "--lxcfs-dir",
            dir(),
            "--output",
            "json",
            "--container",
            Long.toString(inPod.pid()));

    assertThat(result.exitCode()).as(result.output()).isEqualTo(ExitCode.CLEAN);
    JsonNode containers = new ObjectMapper().readTree(result.stdout()).get("containers");
    assertThat(containers).hasSize(1);
    JsonNode container = containers.get(0);
    assertThat(container.get("runtime").asText()).isEqualTo("docker");
    assertThat(container.get("id").asText()).isEqualTo(inPod.id());
    assertThat(container.get("name").asText()).isEqualTo(inPod.name());
    assertThat(container.get("pid").asLong()).isEqualTo(inPod.pid());
    assertThat(container.get("pod").get("namespace").asText()).isEqualTo("shop");
    assertThat(container.get("pod").get("name").asText()).isEqualTo("web-0");
    assertThat(container.get("pod").get("uid").asText()).isEqualTo("5f0c1a9e");
    assertThat(container.get("mounts").get(0).get("state").asText()).isEqualTo("repaired");
    assertThat(inPod.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);

    Programs.Result status =
        LxcfsRemountJar.run("status", "--lxcfs-dir", dir(), "--container", inPod.name());

    assertThat(status.exitCode()).as(status.output()).isEqualTo(ExitCode.CLEAN);
    assertThat(status.stdout())
        .containsPattern(
            "docker +shop/web-0/" + inPod.name() + " +" + inPod.pid() + " +/proc/meminfo +healthy");
  }

  /**
   * A stand-in starts with a copy of the host's mounts: this test's lxcfs folder, and those of
   * other tests running at the same time. Only its meminfo bind is this test's business.
   */
  private static void dropInheritedLxcfsMounts(StandInContainer standIn) throws Exception {
    for (MountInfo mount : standIn.mountTable().topMounts()) {
      if (mount.fsType().equals("fuse.lxcfs") && !mount.mountPoint().equals("/proc/meminfo")) {
        standIn.exec("umount", "-l", mount.mountPoint());
      }
    }
  }

  private Programs.Result repairDocker(String... more) throws Exception {
    return repairDocker(List.of(more));
  }

  private Programs.Result repairDocker(List<String> more) throws Exception {
    return LxcfsRemountJar.run(
        concat(List.of("repair", "--runtime", "docker", "--lxcfs-dir", dir()), more)
            .toArray(String[]::new));
  }

  private List<String> meminfo() {
    return List.of("-v", lxcfs.file("proc/meminfo") + ":/proc/meminfo");
  }

  private String dir() {
    return lxcfs.dir().toString();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
