package io.lxcfsremount.core.repair;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.lxcfs.MissingMount;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The re-bind of one namespace's stale mounts, against real lxcfs and namespaces: the classic
 * strategy, and what happens when the container moves under the agent's feet.
 */
@RequiresReal(LXCFS)
class RebinderIT {
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;

  @BeforeEach
  void startLxcfs() throws Exception {
    lxcfs = LxcfsProcess.start();
    cgroup = MemoryCgroup.create(LIMIT_BYTES);
  }

  @AfterEach
  void stopLxcfs() throws Exception {
    cgroup.close();
    lxcfs.close();
  }

  @Test
  void classic_bindsFromTheFolderPropagatedIntoTheContainer_keepingReadOnly() throws Exception {
    try (StandInContainer slave = StandInContainer.start(lxcfs, "slave")) {
      slave.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", true);
      slave.bind(lxcfs.file("proc/uptime"), "/proc/uptime", false);
      long lxcfsMounts = lxcfs.mountsIn(slave.mountTable());
      lxcfs.restart();

      List<MountReport> reports = repair(slave, Strategy.CLASSIC);

      assertThat(reports).extracting(MountReport::state).containsOnly(MountState.REPAIRED);
      assertThat(reports).extracting(MountReport::strategy).containsOnly(Strategy.CLASSIC);
      MountTable after = slave.mountTable();
      assertThat(after.topAt("/proc/meminfo").orElseThrow().hasOption("ro")).isTrue();
      assertThat(after.topAt("/proc/uptime").orElseThrow().hasOption("rw")).isTrue();
      assertThat(lxcfs.mountsIn(after))
          .as("lxcfs mounts in %s", after.mounts())
          .isEqualTo(lxcfsMounts);
      assertThat(slave.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    }
  }

  @Test
  void classic_attachesAMissingMount_atItsTarget() throws Exception {
    try (StandInContainer slave = StandInContainer.start(lxcfs, "slave")) {
      slave.bind(lxcfs.file("proc/uptime"), "/proc/uptime", false);
      long lxcfsMounts = lxcfs.mountsIn(slave.mountTable());
      Lxcfs live = live();
      // The classic bind's target is a name relative to the working directory, its parent.
      List<MissingMount> missing =
          List.of(new MissingMount("/proc/meminfo", "/proc/meminfo", true));

      List<MountReport> reports;
      try (Fd pidfd = Linux.pidfdOpen(slave.pid())) {
        reports =
            new Rebinder(Strategy.CLASSIC, LinuxCalls.jnr())
                .repair(pidfd, slave.mountTable(), List.of(), missing, live).stream()
                    .map(attempt -> attempt.report(Optional.empty()))
                    .toList();
      }

      MountReport meminfo = reports.get(0);
      assertThat(meminfo.state()).as(meminfo.reason()).isEqualTo(MountState.ATTACHED);
      MountTable after = slave.mountTable();
      assertThat(after.topAt("/proc/meminfo").orElseThrow().hasOption("ro")).isTrue();
      assertThat(lxcfs.mountsIn(after)).isEqualTo(lxcfsMounts + 1);
      assertThat(slave.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    }
  }

  @Test
  void classic_withoutTheFolderInside_isReportedNotRepairable_andChangesNothing() throws Exception {
    try (StandInContainer isolated = StandInContainer.start(lxcfs, "private")) {
      isolated.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
      lxcfs.restart();
      String before = Files.readString(isolated.mountinfo());

      List<MountReport> reports = repair(isolated, Strategy.CLASSIC);

      assertThat(reports).extracting(MountReport::state).containsOnly(MountState.FAILED);
      assertThat(reports.get(0).reason()).startsWith("not repairable");
      assertThat(Files.readString(isolated.mountinfo())).isEqualTo(before);
    }
  }

  @Test
  void aTargetTheContainerTurnedIntoASymlink_isNotFollowed() throws Exception {
    try (StandInContainer container = StandInContainer.start(lxcfs, "private")) {
      Path real = Files.createDirectories(lxcfs.dir().resolveSibling("real"));
      Path moved = lxcfs.dir().resolveSibling("moved");
      Path decoy = Files.createDirectories(lxcfs.dir().resolveSibling("decoy"));
      Files.writeString(real.resolve("meminfo"), "");
      Files.writeString(decoy.resolve("meminfo"), "decoy\n");
      container.bind(lxcfs.file("proc/meminfo"), real.resolve("meminfo").toString(), false);
      lxcfs.restart();
      ProcFs proc = ProcFs.host();
      try (Fd pidfd = Linux.pidfdOpen(container.pid())) {
        MountTable table = MountTable.read(proc.mountinfo(container.pid()));
        // Between the agent's read and its re-bind, the container swaps the path for a symlink.
        container.exec("mv", real.toString(), moved.toString());
        container.exec("ln", "-s", decoy.toString(), real.toString());

        List<MountReport> reports = rebind(pidfd, table, Strategy.ATOMIC_SWAP);

        MountReport meminfo =
            reports.stream()
                .filter(r -> r.target().endsWith("/real/meminfo"))
                .findFirst()
                .orElseThrow();
        assertThat(meminfo.state()).isEqualTo(MountState.FAILED);
        assertThat(meminfo.reason()).contains("ELOOP");
        assertThat(container.mountTable().topAt(decoy.resolve("meminfo").toString())).isEmpty();
      }
    }
  }

  @Test
  void aDeadMountReplacedSinceItWasRead_isLeftAsItIsNow() throws Exception {
    for (Strategy strategy : List.of(Strategy.ATOMIC_SWAP, Strategy.DETACH_ATTACH)) {
      try (StandInContainer container = StandInContainer.start(lxcfs, "private")) {
        container.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
        lxcfs.restart();
        try (Fd pidfd = Linux.pidfdOpen(container.pid())) {
          MountTable table = MountTable.read(ProcFs.host().mountinfo(container.pid()));
          // Between the agent's read and its re-bind, someone else puts a file of their own there.
          Path theirsFile = lxcfs.dir().resolveSibling("theirs-" + strategy.cliName());
          Files.writeString(theirsFile, "theirs\n");
          container.exec("umount", "-l", "/proc/meminfo");
          container.exec("mount", "--bind", theirsFile.toString(), "/proc/meminfo");
          MountInfo theirs = container.mountTable().topAt("/proc/meminfo").orElseThrow();

          MountReport meminfo =
              rebind(pidfd, table, strategy).stream()
                  .filter(r -> r.target().equals("/proc/meminfo"))
                  .findFirst()
                  .orElseThrow();

          assertThat(meminfo.state()).as(strategy.cliName()).isEqualTo(MountState.FAILED);
          assertThat(meminfo.reason()).startsWith("mount ID check /proc/meminfo: ESTALE");
          assertThat(container.mountTable().topAt("/proc/meminfo")).contains(theirs);
        }
      }
    }
  }

  @Test
  void aProcessThatExitsBeforeTheRebind_isSkipped() throws Exception {
    StandInContainer container = StandInContainer.start(lxcfs, "private");
    container.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", false);
    lxcfs.restart();
    try (Fd pidfd = Linux.pidfdOpen(container.pid())) {
      MountTable table = MountTable.read(ProcFs.host().mountinfo(container.pid()));
      container.close();

      List<MountReport> reports = rebind(pidfd, table, Strategy.ATOMIC_SWAP);

      assertThat(reports).isNotEmpty();
      assertThat(reports).extracting(MountReport::state).containsOnly(MountState.SKIPPED);
      assertThat(reports).extracting(MountReport::reason).containsOnly("process exited");
    }
  }

  private List<MountReport> repair(StandInContainer container, Strategy strategy) throws Exception {
    try (Fd pidfd = Linux.pidfdOpen(container.pid())) {
      return rebind(pidfd, container.mountTable(), strategy);
    }
  }

  private Lxcfs live() throws Exception {
    return new LxcfsLocator(
            ProcFs.host(), lxcfs.dir().toString(), LxcfsLocator.DEFAULT_TIMEOUT, LinuxCalls.jnr())
        .locate()
        .orElseThrow();
  }

  private List<MountReport> rebind(Fd pidfd, MountTable table, Strategy strategy) throws Exception {
    Lxcfs live = live();
    List<LxcfsMount> stale =
        LxcfsMount.in(table, live, m -> true).stream().filter(LxcfsMount::stale).toList();
    return new Rebinder(strategy, LinuxCalls.jnr())
        .repair(pidfd, table, stale, List.of(), live).stream()
            .map(attempt -> attempt.report(Optional.empty()))
            .toList();
  }
}
