package io.lxcfsremount.core;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static io.lxcfsremount.core.testing.Reports.states;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.Reconciler.Mode;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.Reports;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import io.lxcfsremount.core.testing.TestReconciler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reconcile pass against a real lxcfs and real mount namespaces: stand-in containers with every
 * kind of lxcfs mount, an lxcfs restart, and what a user would check afterwards.
 */
@RequiresReal(LXCFS)
class ReconcilerIT {
  private static final List<String> PROC_FILES =
      List.of("cpuinfo", "diskstats", "loadavg", "meminfo", "stat", "swaps", "uptime");
  private static final Set<String> READ_ONLY = Set.of("/proc/meminfo", "/proc/uptime");

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;
  private StandInContainer allFiles;
  private StandInContainer wholeFolder;
  private StandInContainer parent;
  private StandInContainer child;
  private StandInContainer withoutLxcfs;
  private Path view;

  @BeforeEach
  void startFleet() throws Exception {
    lxcfs = cleanup.track(LxcfsProcess.start());
    cgroup = cleanup.track(MemoryCgroup.create(LIMIT_BYTES));
    allFiles = cleanup.track(StandInContainer.start(lxcfs, "private"));
    for (String file : PROC_FILES) {
      String target = "/proc/" + file;
      allFiles.bind(lxcfs.file("proc/" + file), target, READ_ONLY.contains(target));
    }
    allFiles.bind(
        lxcfs.file("sys/devices/system/cpu/online"), "/sys/devices/system/cpu/online", false);

    view = Files.createDirectories(lxcfs.dir().resolveSibling("view"));
    wholeFolder = cleanup.track(StandInContainer.start(lxcfs, "private"));
    wholeFolder.bind(lxcfs.dir(), view.toString(), true);

    parent = cleanup.track(StandInContainer.start(lxcfs, "private"));
    parent.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
    child = cleanup.track(parent.startChild());

    withoutLxcfs = cleanup.track(StandInContainer.start(lxcfs, "private"));
    withoutLxcfs.unmount(lxcfs.dir().toString());
  }

  @ParameterizedTest
  @EnumSource(
      value = Strategy.class,
      names = {"ATOMIC_SWAP", "DETACH_ATTACH"})
  void repair_replacesEveryStaleMount_keepingFlagsAndCount(Strategy strategy) throws Exception {
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    Map<StandInContainer, MountTable> before = tables();
    String untouched = Files.readString(withoutLxcfs.mountinfo());

    lxcfs.restart();
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stderr()).contains(ENOTCONN);
    ReconcileReport report = pass(Mode.REPAIR, strategy);

    assertThat(states(report)).containsOnly(MountState.REPAIRED);
    assertThat(Reports.withPid(report, allFiles.pid()).mounts()).hasSize(1 + PROC_FILES.size() + 1);
    assertThat(Reports.withPid(report, child.pid()).mounts()).isNotEmpty();
    assertThat(Reports.withPid(report, withoutLxcfs.pid()).mounts()).isEmpty();
    Device generation = lxcfs.generation();
    for (StandInContainer container : List.of(allFiles, wholeFolder, parent, child)) {
      MountTable after = container.mountTable();
      assertThat(lxcfs.topMountsIn(after))
          .isNotEmpty()
          .allSatisfy(m -> assertThat(m.device()).isEqualTo(generation));
      assertThat(lxcfsShape(after)).isEqualTo(lxcfsShape(before.get(container)));
      assertThat(lxcfs.mountsIn(after)).isEqualTo(lxcfs.mountsIn(before.get(container)));
    }
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(child.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(wholeFolder.read(cgroup, view.resolve("proc/meminfo").toString()).stdout())
        .startsWith(LIMITED_MEMINFO);
    assertThat(allFiles.exec("cat", "/sys/devices/system/cpu/online")).isNotBlank();
    assertThat(Files.readString(withoutLxcfs.mountinfo())).isEqualTo(untouched);
  }

  @ParameterizedTest
  @EnumSource(
      value = Strategy.class,
      names = {"ATOMIC_SWAP", "DETACH_ATTACH"})
  void repair_throughTheLxcfsProcess_whenTheAgentCannotSeeTheLxcfsFolder(Strategy strategy)
      throws Exception {
    try (LxcfsProcess hidden = LxcfsProcess.startIsolated();
        StandInContainer container = StandInContainer.start(hidden, "private")) {
      for (String file : List.of("meminfo", "uptime")) {
        String target = "/proc/" + file;
        container.bind(hidden.file("proc/" + file), target, READ_ONLY.contains(target));
      }
      MountTable before = container.mountTable();
      MountTable own = MountTable.read(Path.of("/proc/self/mountinfo"));
      assertThat(own.mounts()).noneMatch(m -> hidden.owns(m.device()));

      hidden.restart();
      assertThat(container.read(cgroup, "/proc/meminfo").stderr()).contains(ENOTCONN);
      ReconcileReport report =
          TestReconciler.of(hidden, List.of(), true, strategy)
              .run(Mode.REPAIR, c -> c.pid() == container.pid());

      assertThat(report.lxcfs().inProcessNamespace()).isTrue();
      // Its two files and its copy of the lxcfs folder (a container made in lxcfs's namespace).
      assertThat(states(report)).hasSize(3).containsOnly(MountState.REPAIRED);
      MountTable after = container.mountTable();
      assertThat(hidden.isLiveIn(after)).isTrue();
      assertThat(hidden.mountsIn(after)).isEqualTo(hidden.mountsIn(before));
      assertThat(container.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
      assertThat(MountTable.read(Path.of("/proc/self/mountinfo")).mounts())
          .noneMatch(m -> hidden.owns(m.device()));
    }
  }

  @Test
  void secondRepair_findsEverythingHealthy_andChangesNothing() throws Exception {
    lxcfs.restart();
    pass(Mode.REPAIR, Strategy.ATOMIC_SWAP);
    Map<StandInContainer, String> repaired = mountinfoTexts();

    ReconcileReport again = pass(Mode.REPAIR, Strategy.ATOMIC_SWAP);

    assertThat(states(again)).isNotEmpty().containsOnly(MountState.HEALTHY);
    assertThat(mountinfoTexts()).isEqualTo(repaired);
  }

  @Test
  void dryRun_reportsWouldRepair_andChangesNothing() throws Exception {
    lxcfs.restart();
    Map<StandInContainer, String> stale = mountinfoTexts();

    ReconcileReport report = pass(Mode.DRY_RUN, Strategy.ATOMIC_SWAP);

    assertThat(states(report)).isNotEmpty().containsOnly(MountState.WOULD_REPAIR);
    assertThat(report.summary().nothingDead()).isFalse();
    assertThat(mountinfoTexts()).isEqualTo(stale);
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stderr()).contains(ENOTCONN);
  }

  @Test
  void status_reportsStaleMounts_andChangesNothing() throws Exception {
    assertThat(states(pass(Mode.STATUS, Strategy.ATOMIC_SWAP))).containsOnly(MountState.HEALTHY);
    lxcfs.restart();
    Map<StandInContainer, String> stale = mountinfoTexts();

    ReconcileReport report = pass(Mode.STATUS, Strategy.ATOMIC_SWAP);

    assertThat(states(report)).isNotEmpty().containsOnly(MountState.STALE);
    assertThat(mountinfoTexts()).isEqualTo(stale);
  }

  @Test
  void mountsOfAnotherLxcfsInstance_areLeftAlone() throws Exception {
    try (LxcfsProcess other = LxcfsProcess.start();
        StandInContainer neighbour = StandInContainer.start(other, "private")) {
      neighbour.bind(other.file("proc/meminfo"), "/proc/meminfo", false);
      lxcfs.restart();
      MountInfo theirs = neighbour.mountTable().topAt("/proc/meminfo").orElseThrow();

      ReconcileReport report = pass(Mode.REPAIR, Strategy.ATOMIC_SWAP, neighbour.pid());

      assertThat(Reports.withPid(report, neighbour.pid()).mounts())
          .extracting(MountReport::target)
          .doesNotContain("/proc/meminfo", other.dir().toString());
      assertThat(neighbour.mountTable().topAt("/proc/meminfo")).contains(theirs);
      assertThat(neighbour.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    }
  }

  @Test
  void processThatExitsDuringThePass_isSkipped_andTheOthersRepaired() throws Exception {
    lxcfs.restart();
    ContainerRuntime exitsWhileListed =
        new ContainerRuntime() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public String describe() {
            return "stand-ins, one of which exits once listed";
          }

          @Override
          public List<Container> runningContainers() {
            List<Container> listed =
                List.of(
                    new Container("test", "all-files", "all-files", allFiles.pid(), null),
                    new Container("test", "parent", "parent", parent.pid(), null));
            parent.close();
            return listed;
          }
        };
    Reconciler reconciler =
        TestReconciler.of(lxcfs, List.of(exitsWhileListed), false, Strategy.ATOMIC_SWAP);

    ReconcileReport report = reconciler.run(Mode.REPAIR, c -> c.runtime().equals("test"));

    ContainerReport exited = Reports.named(report, "parent");
    assertThat(exited.skipped()).isEqualTo("process exited");
    assertThat(Reports.withPid(report, allFiles.pid()).mounts())
        .extracting(MountReport::state)
        .containsOnly(MountState.REPAIRED);
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(report.summary().nothingDead()).isTrue();
  }

  @Test
  void runKnown_mendsWhatTheLastPassFound_fromItsTables() throws Exception {
    Reconciler reconciler = reconciler();
    assertThat(states(reconciler.run(Mode.REPAIR, this::ours))).containsOnly(MountState.HEALTHY);
    Map<StandInContainer, MountTable> before = tables();

    lxcfs.restart();
    ReconcileReport report = reconciler.runKnown(Mode.REPAIR, located());

    assertThat(states(report)).isNotEmpty().containsOnly(MountState.REPAIRED);
    assertThat(Reports.withPid(report, allFiles.pid()).mounts()).hasSize(1 + PROC_FILES.size() + 1);
    for (StandInContainer container : List.of(allFiles, wholeFolder, parent, child)) {
      MountTable after = container.mountTable();
      assertThat(lxcfs.isLiveIn(after)).isTrue();
      assertThat(lxcfs.mountsIn(after)).isEqualTo(lxcfs.mountsIn(before.get(container)));
    }
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(child.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void runKnown_leavesAMountTheContainerReplacedSinceTheLastPass() throws Exception {
    Reconciler reconciler = reconciler();
    reconciler.run(Mode.REPAIR, this::ours);
    Path own = Files.writeString(lxcfs.dir().resolveSibling("own-meminfo"), "MemTotal: 1 kB\n");
    allFiles.unmount("/proc/meminfo");
    allFiles.bind(own, "/proc/meminfo", true);
    MountTable before = allFiles.mountTable();
    MountInfo theirs = before.topAt("/proc/meminfo").orElseThrow();

    lxcfs.restart();
    ReconcileReport report = reconciler.runKnown(Mode.REPAIR, located());

    assertThat(allFiles.mountTable().topAt("/proc/meminfo")).contains(theirs);
    assertThat(allFiles.read(cgroup, "/proc/meminfo").stdout()).startsWith("MemTotal: 1 kB");
    assertThat(Reports.withPid(report, allFiles.pid()).mounts())
        .filteredOn(m -> !m.target().equals("/proc/meminfo"))
        .extracting(MountReport::state)
        .containsOnly(MountState.REPAIRED);
    assertThat(Reports.withPid(report, allFiles.pid()).mounts())
        .filteredOn(m -> m.target().equals("/proc/meminfo"))
        .extracting(MountReport::state)
        .containsOnly(MountState.SKIPPED);
    assertThat(report.summary().nothingDead()).isTrue();
    assertThat(allFiles.read(cgroup, "/proc/uptime").stderr()).doesNotContain(ENOTCONN);
    MountTable after = allFiles.mountTable();
    assertThat(lxcfs.isLiveIn(after)).isTrue();
    assertThat(lxcfs.mountsIn(after)).isEqualTo(lxcfs.mountsIn(before));
  }

  private Reconciler reconciler() {
    return TestReconciler.of(lxcfs, List.of(), true, Strategy.ATOMIC_SWAP);
  }

  private Lxcfs located() throws Exception {
    ProcFs proc = ProcFs.host();
    return new LxcfsLocator(
            proc, lxcfs.dir().toString(), LxcfsLocator.DEFAULT_TIMEOUT, LinuxCalls.jnr())
        .locate()
        .orElseThrow();
  }

  private boolean ours(Container container) {
    return Set.of(allFiles.pid(), wholeFolder.pid(), parent.pid(), child.pid(), withoutLxcfs.pid())
        .contains(container.pid());
  }

  private Map<StandInContainer, String> mountinfoTexts() throws Exception {
    Map<StandInContainer, String> texts = new HashMap<>();
    for (StandInContainer container : List.of(allFiles, wholeFolder, parent, child, withoutLxcfs)) {
      texts.put(container, Files.readString(container.mountinfo()));
    }
    return texts;
  }

  private Map<StandInContainer, MountTable> tables() throws Exception {
    Map<StandInContainer, MountTable> tables = new HashMap<>();
    for (StandInContainer container : List.of(allFiles, wholeFolder, parent, child, withoutLxcfs)) {
      tables.put(container, container.mountTable());
    }
    return tables;
  }

  private ReconcileReport pass(Mode mode, Strategy strategy, long... alsoPids) throws Exception {
    Set<Long> ours =
        new java.util.HashSet<>(
            Set.of(
                allFiles.pid(), wholeFolder.pid(), parent.pid(), child.pid(), withoutLxcfs.pid()));
    for (long pid : alsoPids) {
      ours.add(pid);
    }
    Reconciler reconciler = TestReconciler.of(lxcfs, List.of(), true, strategy);
    return reconciler.run(mode, c -> ours.contains(c.pid()));
  }

  /** What a user would compare: which lxcfs file sits where, with which options and propagation. */
  private Set<String> lxcfsShape(MountTable table) {
    return lxcfs.topMountsIn(table).stream()
        .map(m -> m.mountPoint() + " " + m.root() + " " + m.options() + " " + m.optionalFields())
        .collect(Collectors.toSet());
  }
}
