package io.lxcfsremount.cri;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.CRI;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.testing.AfterListing;
import io.lxcfsremount.core.testing.AttachFails;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Reports;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.TestReconciler;
import io.lxcfsremount.cri.CriPods.FileMount;
import io.lxcfsremount.cri.CriPods.TestPod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code repair} through a real containerd's CRI, on pods made the way kubelet makes them, against
 * a real lxcfs: each container's own view of /proc/meminfo (read with CRI ExecSync, so through its
 * memory cgroup) before an lxcfs restart, after it, and after the pass.
 */
@RequiresReal({LXCFS, CRI})
class CriRepairIT {
  private static final List<String> PROC_FILES =
      List.of("cpuinfo", "diskstats", "loadavg", "meminfo", "stat", "swaps", "uptime");

  private LxcfsProcess lxcfs;
  private CriPods pods;
  private CriRuntime cri;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    pods = CriPods.connect();
    cri = CriRuntime.open(pods.endpoint(), RuntimeCalls.CALL_DEADLINE);
  }

  @AfterEach
  void stop() throws Exception {
    try (LxcfsProcess l = lxcfs;
        CriPods p = pods;
        CriRuntime c = cri) {
      // Closes the channel, then the pods, then lxcfs; skips whatever was never opened.
    }
  }

  @Test
  void repair_givesTheContainerItsOwnMeminfoBack_andNamesItsPod() throws Exception {
    TestPod pod = pods.runPod("web");
    String app = pods.startContainer(pod, "app", meminfo(false));
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);

    lxcfs.restart();
    assertThat(pods.meminfo(app).stderr()).contains(ENOTCONN);
    ReconcileReport report = repair(cri, app);

    ContainerReport container = Reports.withId(report, app);
    assertThat(container.candidate().container().runtime()).isEqualTo("cri");
    assertThat(container.candidate().container().name()).isEqualTo("app");
    assertThat(container.candidate().container().pod())
        .isEqualTo(new Pod(pod.namespace(), pod.name(), pod.uid()));
    assertThat(container.candidate().container().pod())
        .hasToString(pod.namespace() + "/" + pod.name());
    assertThat(container.mounts())
        .extracting(MountReport::state)
        .containsExactly(MountState.REPAIRED);
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void repair_keepsReadOnlyMountsReadOnly() throws Exception {
    TestPod pod = pods.runPod("readonly");
    String app =
        pods.startContainer(
            pod,
            "app",
            meminfo(true),
            new FileMount(lxcfs.file("proc/uptime"), "/proc/uptime", false));
    lxcfs.restart();

    ReconcileReport report = repair(cri, app);

    assertThat(Reports.withId(report, app).mounts())
        .extracting(MountReport::target, MountReport::readOnly, MountReport::state)
        .containsExactlyInAnyOrder(
            tuple("/proc/meminfo", true, MountState.REPAIRED),
            tuple("/proc/uptime", false, MountState.REPAIRED));
    MountTable after = MountTable.read(ProcFs.host().mountinfo(pods.pid(app)));
    assertThat(after.topAt("/proc/meminfo").map(m -> m.hasOption("ro"))).contains(true);
    assertThat(after.topAt("/proc/uptime").map(m -> m.hasOption("rw"))).contains(true);
    assertThat(pods.exec(app, "sh", "-c", "echo 1 > /proc/meminfo").stderr())
        .contains("Read-only file system");
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void repair_leavesTheNumberOfMountsUnchanged() throws Exception {
    TestPod pod = pods.runPod("allfiles");
    FileMount[] mounts = new FileMount[PROC_FILES.size() + 1];
    for (int i = 0; i < PROC_FILES.size(); i++) {
      mounts[i] =
          new FileMount(
              lxcfs.file("proc/" + PROC_FILES.get(i)), "/proc/" + PROC_FILES.get(i), false);
    }
    mounts[PROC_FILES.size()] =
        new FileMount(
            lxcfs.file("sys/devices/system/cpu/online"), "/sys/devices/system/cpu/online", false);
    String app = pods.startContainer(pod, "app", mounts);
    Path mountinfo = ProcFs.host().mountinfo(pods.pid(app));
    MountTable before = MountTable.read(mountinfo);
    lxcfs.restart();

    ReconcileReport report = repair(cri, app);

    assertThat(Reports.withId(report, app).mounts())
        .hasSize(mounts.length)
        .allSatisfy(m -> assertThat(m.state()).isEqualTo(MountState.REPAIRED));
    MountTable after = MountTable.read(mountinfo);
    assertThat(after.count("fuse.lxcfs"))
        .isEqualTo(before.count("fuse.lxcfs"))
        .isEqualTo(mounts.length);
    assertThat(after.mounts()).hasSameSizeAs(before.mounts());
    assertThat(after.topMounts().stream().filter(m -> m.fsType().equals("fuse.lxcfs")))
        .allSatisfy(m -> assertThat(m.device()).isEqualTo(lxcfs.generation()));
    assertThat(pods.exec(app, "cat", "/sys/devices/system/cpu/online").stdout()).isNotBlank();
  }

  @Test
  void repair_repairsBothContainersOfOnePod() throws Exception {
    TestPod pod = pods.runPod("pair");
    String app = pods.startContainer(pod, "app", meminfo(false));
    String sidecar = pods.startContainer(pod, "sidecar", meminfo(true));
    lxcfs.restart();
    assertThat(pods.meminfo(sidecar).stderr()).contains(ENOTCONN);

    ReconcileReport report = repair(cri, app, sidecar);

    for (String id : List.of(app, sidecar)) {
      assertThat(Reports.withId(report, id).candidate().container().pod().name())
          .isEqualTo(pod.name());
      assertThat(Reports.withId(report, id).mounts())
          .extracting(MountReport::state)
          .containsExactly(MountState.REPAIRED);
      assertThat(pods.meminfo(id).stdout()).startsWith(LIMITED_MEMINFO);
    }
    assertThat(Reports.withId(report, sidecar).candidate().container().name()).isEqualTo("sidecar");
  }

  @Test
  void repair_leavesAPodWithoutLxcfsMountsUntouched() throws Exception {
    TestPod plainPod = pods.runPod("plain");
    String plain = pods.startContainer(plainPod, "plain");
    String app = pods.startContainer(pods.runPod("web"), "app", meminfo(false));
    Path mountinfo = ProcFs.host().mountinfo(pods.pid(plain));
    String untouched = Files.readString(mountinfo);
    lxcfs.restart();

    ReconcileReport report = repair(cri, plain, app);

    assertThat(Reports.withId(report, plain).mounts()).isEmpty();
    assertThat(Reports.withId(report, plain).skipped()).isNull();
    assertThat(Reports.withId(report, plain).failed()).isNull();
    assertThat(Reports.withId(report, app).mounts())
        .extracting(MountReport::state)
        .containsExactly(MountState.REPAIRED);
    assertThat(Files.readString(mountinfo)).isEqualTo(untouched);
  }

  @Test
  void repair_skipsAContainerStoppedDuringThePass() throws Exception {
    TestPod pod = pods.runPod("stopping");
    String stays = pods.startContainer(pod, "stays", meminfo(false));
    String goes = pods.startContainer(pod, "goes", meminfo(false));
    lxcfs.restart();

    ReconcileReport report =
        repair(
            new AfterListing(
                cri,
                listed -> {
                  long pid =
                      listed.stream()
                          .filter(c -> c.id().equals(goes))
                          .findFirst()
                          .orElseThrow()
                          .pid();
                  pods.stopContainer(goes);
                  awaitExit(pid);
                }),
            stays,
            goes);

    assertThat(Reports.withId(report, goes).skipped()).isEqualTo("process exited");
    assertThat(Reports.withId(report, goes).mounts()).isEmpty();
    assertThat(Reports.withId(report, stays).mounts())
        .extracting(MountReport::state)
        .containsExactly(MountState.REPAIRED);
    assertThat(report.summary().nothingDead()).isTrue();
  }

  @Test
  void runningContainers_givesEachContainersInitPid_andLeavesOutStoppedOnes() throws Exception {
    TestPod pod = pods.runPod("pids");
    String running = pods.startContainer(pod, "running");
    String stopped = pods.startContainer(pod, "stopped");
    pods.stopContainer(stopped);

    List<Container> containers = cri.runningContainers();

    assertThat(containers).extracting(Container::id).contains(running).doesNotContain(stopped);
    Container container =
        containers.stream().filter(c -> c.id().equals(running)).findFirst().orElseThrow();
    // The PID is the container's init: its cgroup is the container's, and it runs the image's
    // sleep.
    assertThat(Files.readString(Path.of("/proc", Long.toString(container.pid()), "cgroup")))
        .contains(running);
    assertThat(Files.readString(Path.of("/proc", Long.toString(container.pid()), "comm")).strip())
        .isEqualTo("sleep");
    assertThat(container.name()).isEqualTo("running");
    assertThat(container.pod()).hasToString(pod.toString());
  }

  @Test
  void describe_namesTheRuntimeItsVersionAndTheEndpoint() throws Exception {
    assertThat(cri.describe())
        .matches("containerd \\S+ \\(CRI v1\\) at " + Pattern.quote(pods.endpoint().uri()));
  }

  /**
   * Detach-then-attach never loses a mount: an attach that fails after the detach leaves the target
   * missing, the container's CRI status still lists that mount, and the next pass attaches it.
   */
  @Test
  void detachAttach_anAttachThatFailsAfterTheDetach_isFoundMissing_andAttachedNextPass()
      throws Exception {
    TestPod pod = pods.runPod("missing");
    String app = pods.startContainer(pod, "app", meminfo(true));
    lxcfs.restart();

    ReconcileReport cut = pass(Reconciler.Mode.REPAIR, new AttachFails(), app);

    assertThat(Reports.withId(cut, app).mounts())
        .extracting(MountReport::state)
        .containsExactly(MountState.FAILED);
    assertThat(pods.meminfo(app).stdout()).doesNotStartWith(LIMITED_MEMINFO);

    ReconcileReport status = pass(Reconciler.Mode.STATUS, LinuxCalls.jnr(), app);

    assertThat(Reports.withId(status, app).mounts())
        .extracting(MountReport::target, MountReport::readOnly, MountReport::state)
        .containsExactly(tuple("/proc/meminfo", true, MountState.MISSING));

    ReconcileReport restored = pass(Reconciler.Mode.REPAIR, LinuxCalls.jnr(), app);

    assertThat(Reports.withId(restored, app).mounts())
        .extracting(MountReport::state)
        .containsExactly(MountState.ATTACHED);
    assertThat(restored.summary().nothingDead()).isTrue();
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);
    MountTable after = MountTable.read(ProcFs.host().mountinfo(pods.pid(app)));
    assertThat(after.topAt("/proc/meminfo").map(m -> m.hasOption("ro"))).contains(true);
  }

  /** A detach-then-attach pass over {@code ids}, its system calls made through {@code linux}. */
  private ReconcileReport pass(Reconciler.Mode mode, LinuxCalls linux, String... ids)
      throws Exception {
    Set<String> ours = Set.of(ids);
    return TestReconciler.of(lxcfs, List.of(cri), false, Strategy.DETACH_ATTACH, linux)
        .run(mode, c -> ours.contains(c.id()));
  }

  private FileMount meminfo(boolean readOnly) {
    return new FileMount(lxcfs.file("proc/meminfo"), "/proc/meminfo", readOnly);
  }

  /** One repair pass over the given containers only: other tests run on this machine too. */
  private ReconcileReport repair(ContainerRuntime runtime, String... ids) throws Exception {
    Set<String> ours = Set.of(ids);
    Reconciler reconciler = TestReconciler.of(lxcfs, List.of(runtime), false, Linux.bestStrategy());
    ReconcileReport report = reconciler.run(Reconciler.Mode.REPAIR, c -> ours.contains(c.id()));
    assertThat(report.warnings()).isEmpty();
    assertThat(report.containers())
        .extracting(c -> c.candidate().container().id())
        .containsOnly(ids);
    return report;
  }

  private static void awaitExit(long pid) {
    Path process = Path.of("/proc", Long.toString(pid));
    await("process of the stopped container to exit")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !Files.exists(process));
  }
}
