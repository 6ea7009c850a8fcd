package io.lxcfsremount.docker;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static io.lxcfsremount.core.testing.Reports.states;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.Reconciler.Mode;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.testing.AfterListing;
import io.lxcfsremount.core.testing.AttachFails;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Reports;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.TestReconciler;
import io.lxcfsremount.docker.testing.DockerFleet;
import io.lxcfsremount.docker.testing.TestContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scenarios on a real dockerd and a real lxcfs: Docker containers with lxcfs files
 * bound in, an lxcfs restart, a repair pass through {@link DockerRuntime}, and what a user would
 * check: {@code docker exec C head -1 /proc/meminfo} shows the 64 MiB limit, then {@code Transport
 * endpoint is not connected}, then the limit again; no lxcfs mount piles up; nothing else in the
 * container changed. Every pass is limited to this test's own containers.
 */
@RequiresReal({LXCFS, DOCKER})
class DockerRepairIT {
  private static final List<String> SEED_FILES =
      List.of(
          "/proc/meminfo",
          "/proc/cpuinfo",
          "/proc/stat",
          "/proc/uptime",
          "/proc/swaps",
          "/proc/diskstats");
  private static final List<String> EIGHT_FILES =
      concat(SEED_FILES, List.of("/proc/loadavg", "/sys/devices/system/cpu/online"));

  private LxcfsProcess lxcfs;
  private DockerFleet fleet;
  private DockerRuntime docker;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    fleet = new DockerFleet();
    docker = DockerRuntime.open(DockerHost.DEFAULT, RuntimeCalls.CALL_DEADLINE);
  }

  @AfterEach
  void stop() throws Exception {
    docker.close();
    try {
      fleet.close();
    } finally {
      lxcfs.close();
    }
  }

  @Test
  void repair_seedLayout_sixFilesReadTheLimitAgain() throws Exception {
    TestContainer container = fleet.run("seed", binds(SEED_FILES, ""));

    assertRestartThenRepairIsInvisible(List.of(container), SEED_FILES);
  }

  @Test
  void repair_eightFileLayout_includingLoadavgAndCpuOnline() throws Exception {
    TestContainer container = fleet.run("eight", binds(EIGHT_FILES, ""));

    assertRestartThenRepairIsInvisible(List.of(container), EIGHT_FILES);
  }

  @Test
  void repair_keepsReadOnlyMountsReadOnly() throws Exception {
    List<String> args =
        concat(
            binds(List.of("/proc/meminfo", "/proc/uptime"), ":ro"),
            binds(List.of("/proc/stat"), ""));
    TestContainer container = fleet.run("read-only", args);
    assertThat(readOnly(container, "/proc/meminfo")).isTrue();

    assertRestartThenRepairIsInvisible(
        List.of(container), List.of("/proc/meminfo", "/proc/uptime", "/proc/stat"));

    assertThat(readOnly(container, "/proc/meminfo")).isTrue();
    assertThat(readOnly(container, "/proc/uptime")).isTrue();
    assertThat(readOnly(container, "/proc/stat")).isFalse();
    assertThat(container.exec("sh", "-c", "echo 1 > /proc/meminfo").output())
        .contains("Read-only file system");
  }

  /**
   * The seed setups share the lxcfs folder into the container ({@code -v DIR:DIR:rslave}). That
   * bind is of the lxcfs mount itself, which a new lxcfs does not replace: it is as dead as the
   * file mounts and is repaired like them. Sharing the folder's parent instead lets the new lxcfs
   * propagate in. Either way, two restarts later, the mount count is what it was.
   */
  @Test
  void repair_lxcfsFolderSharedIntoTheContainer_worksAndNoMountPilesUp() throws Exception {
    String dir = lxcfs.dir().toString();
    String parent = lxcfs.dir().getParent().toString();
    TestContainer folder =
        fleet.run(
            "folder",
            concat(
                binds(List.of("/proc/meminfo"), ""), List.of("-v", dir + ":" + dir + ":rslave")));
    TestContainer parentFolder =
        fleet.run(
            "parent",
            concat(
                binds(List.of("/proc/meminfo"), ""),
                List.of("-v", parent + ":" + parent + ":rslave")));
    List<String> targets = List.of("/proc/meminfo", dir + "/proc/meminfo");

    assertRestartThenRepairIsInvisible(List.of(folder, parentFolder), targets);
    assertRestartThenRepairIsInvisible(List.of(folder, parentFolder), targets);
  }

  @Test
  void repair_leavesAContainerWithoutLxcfsUntouched_andRepairsAPausedOne() throws Exception {
    TestContainer plain = fleet.run("plain", List.of());
    TestContainer paused = fleet.run("paused", binds(SEED_FILES, ""));
    String plainBefore = mountinfo(plain);
    Snapshot pausedBefore = Snapshot.of(paused);
    assertThat(paused.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    paused.pause();

    lxcfs.restart();
    ReconcileReport status = pass(Mode.STATUS, plain, paused);
    assertThat(states(Reports.withId(status, paused.id())))
        .hasSize(SEED_FILES.size())
        .containsOnly(MountState.STALE);
    ReconcileReport repair = pass(Mode.REPAIR, plain, paused);
    paused.unpause();

    assertThat(states(Reports.withId(repair, plain.id()))).isEmpty();
    assertThat(states(Reports.withId(repair, paused.id())))
        .hasSize(SEED_FILES.size())
        .containsOnly(MountState.REPAIRED);
    assertThat(mountinfo(plain)).isEqualTo(plainBefore);
    for (String target : SEED_FILES) {
      assertThat(paused.exec("head", "-1", target).exitCode()).as(target).isZero();
    }
    assertThat(paused.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    pausedBefore.assertUnchangedBut(Snapshot.of(paused), paused);
  }

  @Test
  void repair_reportsAContainerStoppedDuringThePassAsSkipped_andRepairsTheRest() throws Exception {
    TestContainer first = fleet.run("first", binds(SEED_FILES, ""));
    TestContainer victim = fleet.run("victim", binds(SEED_FILES, ""));
    TestContainer last = fleet.run("last", binds(SEED_FILES, ""));
    lxcfs.restart();

    ContainerRuntime stopsVictimAfterListing =
        new AfterListing(
            docker,
            listed -> {
              assertThat(listed).extracting(Container::id).contains(victim.id());
              victim.stopNow();
            });
    ReconcileReport report = pass(Mode.REPAIR, stopsVictimAfterListing, first, victim, last);

    ContainerReport skipped = Reports.withId(report, victim.id());
    assertThat(skipped.skipped()).isEqualTo("process exited");
    assertThat(skipped.mounts()).isEmpty();
    assertThat(report.summary().failedContainers()).isZero();
    for (TestContainer repaired : List.of(first, last)) {
      assertThat(states(Reports.withId(report, repaired.id())))
          .hasSize(SEED_FILES.size())
          .containsOnly(MountState.REPAIRED);
      assertThat(repaired.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    }
  }

  /**
   * The user's view around a restart and a repair: every target reads before, fails with ENOTCONN
   * after the restart, reads again after the repair (meminfo with the container's limit); each
   * container keeps its lxcfs mount count and every other mount exactly as it was.
   */
  private void assertRestartThenRepairIsInvisible(
      List<TestContainer> containers, List<String> targets) throws Exception {
    Map<TestContainer, Snapshot> before = snapshots(containers);
    for (TestContainer container : containers) {
      assertThat(container.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    }

    lxcfs.restart();
    for (TestContainer container : containers) {
      assertThat(container.headOf("/proc/meminfo")).contains(ENOTCONN);
    }
    ReconcileReport report = pass(Mode.REPAIR, containers.toArray(TestContainer[]::new));

    assertThat(report.summary().nothingDead()).as(report.toString()).isTrue();
    for (TestContainer container : containers) {
      assertThat(states(Reports.withId(report, container.id())))
          .contains(MountState.REPAIRED)
          .doesNotContain(MountState.FAILED);
      for (String target : targets) {
        assertThat(container.exec("head", "-1", target).exitCode())
            .as(container.name() + " " + target)
            .isZero();
      }
      assertThat(container.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
      before.get(container).assertUnchangedBut(Snapshot.of(container), container);
    }
  }

  /**
   * What a repair must not change in a container: how many lxcfs mounts it holds, which lxcfs file
   * sits where with which options, and every other mount. A repaired mount must also never be a
   * peer of the host's lxcfs mount: mounts and unmounts would then propagate between containers.
   */
  private record Snapshot(
      String name, long lxcfsMounts, Set<String> lxcfsShape, List<MountInfo> otherMounts) {
    static Snapshot of(TestContainer container) throws Exception {
      Set<String> shape =
          container.visibleLxcfsMounts().stream()
              .map(m -> m.mountPoint() + " " + m.root() + " " + m.options())
              .collect(Collectors.toSet());
      return new Snapshot(
          container.name(), container.lxcfsMountCount(), shape, container.otherMounts());
    }

    void assertUnchangedBut(Snapshot after, TestContainer container) throws Exception {
      assertThat(after.lxcfsMounts).as(name + ": lxcfs mounts").isEqualTo(lxcfsMounts);
      assertThat(after.lxcfsShape)
          .as(name + ": lxcfs files, targets and options")
          .isEqualTo(lxcfsShape);
      assertThat(after.otherMounts).as(name + ": every other mount").isEqualTo(otherMounts);
      assertThat(container.visibleLxcfsMounts())
          .as(name + ": propagation of lxcfs mounts")
          .allSatisfy(m -> assertThat(m.optionalFields()).noneMatch(f -> f.startsWith("shared:")));
    }
  }

  /**
   * Detach-then-attach never loses a mount: an attach that fails after the detach leaves the target
   * missing, the runtime still says the container was created with that bind, and the next pass
   * attaches it.
   */
  @Test
  void detachAttach_anAttachThatFailsAfterTheDetach_isFoundMissing_andAttachedNextPass()
      throws Exception {
    TestContainer container =
        fleet.run(
            "missing",
            concat(binds(List.of("/proc/meminfo"), ":ro"), binds(List.of("/proc/uptime"), "")));
    long lxcfsMounts = container.lxcfsMountCount();
    lxcfs.restart();

    ReconcileReport cut = pass(Mode.REPAIR, new AttachFails(), container);

    assertThat(states(Reports.withId(cut, container.id()))).containsOnly(MountState.FAILED);
    assertThat(cut.summary().nothingDead()).isFalse();
    assertThat(container.headOf("/proc/meminfo"))
        .doesNotContain(LIMITED_MEMINFO)
        .doesNotContain(ENOTCONN);

    ReconcileReport status = pass(Mode.STATUS, LinuxCalls.jnr(), container);

    assertThat(states(Reports.withId(status, container.id())))
        .containsOnly(MountState.MISSING)
        .hasSize(2);
    assertThat(status.summary().nothingDead()).isFalse();

    ReconcileReport restored = pass(Mode.REPAIR, LinuxCalls.jnr(), container);

    assertThat(states(Reports.withId(restored, container.id())))
        .containsOnly(MountState.ATTACHED)
        .hasSize(2);
    assertThat(restored.summary().nothingDead()).isTrue();
    assertThat(container.headOf("/proc/meminfo")).contains(LIMITED_MEMINFO);
    assertThat(container.lxcfsMountCount()).isEqualTo(lxcfsMounts);
    assertThat(readOnly(container, "/proc/meminfo")).isTrue();
    assertThat(readOnly(container, "/proc/uptime")).isFalse();
    assertThat(pass(Mode.STATUS, LinuxCalls.jnr(), container).summary().count(MountState.HEALTHY))
        .isEqualTo(2);
  }

  /** A detach-then-attach pass over {@code ours}, its system calls made through {@code linux}. */
  private ReconcileReport pass(Mode mode, LinuxCalls linux, TestContainer... ours)
      throws Exception {
    Set<String> ids = Arrays.stream(ours).map(TestContainer::id).collect(Collectors.toSet());
    Reconciler reconciler =
        TestReconciler.of(lxcfs, List.of(docker), false, Strategy.DETACH_ATTACH, linux);
    return reconciler.run(mode, c -> ids.contains(c.id()));
  }

  private static Map<TestContainer, Snapshot> snapshots(List<TestContainer> containers)
      throws Exception {
    Map<TestContainer, Snapshot> snapshots = new HashMap<>();
    for (TestContainer container : containers) {
      snapshots.put(container, Snapshot.of(container));
    }
    return snapshots;
  }

  private ReconcileReport pass(Mode mode, TestContainer... ours) throws Exception {
    return pass(mode, docker, ours);
  }

  private ReconcileReport pass(Mode mode, ContainerRuntime runtime, TestContainer... ours)
      throws Exception {
    Set<String> ids = Arrays.stream(ours).map(TestContainer::id).collect(Collectors.toSet());
    Reconciler reconciler = TestReconciler.of(lxcfs, List.of(runtime), false, Linux.bestStrategy());
    ReconcileReport report = reconciler.run(mode, c -> ids.contains(c.id()));
    assertThat(report.containers())
        .extracting(c -> c.candidate().container().id())
        .containsExactlyInAnyOrderElementsOf(ids);
    return report;
  }

  private List<String> binds(List<String> targets, String suffix) {
    List<String> args = new ArrayList<>();
    for (String target : targets) {
      args.add("-v");
      args.add(lxcfs.file(target.substring(1)) + ":" + target + suffix);
    }
    return args;
  }

  private static boolean readOnly(TestContainer container, String target) throws Exception {
    return MountFlags.of(container.topAt(target)).readOnly();
  }

  private static String mountinfo(TestContainer container) throws Exception {
    return Files.readString(Path.of("/proc", Long.toString(container.pid()), "mountinfo"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
