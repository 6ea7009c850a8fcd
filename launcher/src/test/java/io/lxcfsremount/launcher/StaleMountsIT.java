package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mount is stale only when that is established: its connection is dead, or it is a generation the
 * agent saw at its folder. The live mounts of another lxcfs instance are never touched, even where
 * the agent cannot see that instance's folder; a dead mount of ours is found by an agent that never
 * saw its generation.
 */
@RequiresReal(LXCFS)
class StaleMountsIT {
  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess ours;
  private LxcfsProcess other;
  private MemoryCgroup cgroup;
  private StandInContainer standIn;

  @BeforeEach
  void start() throws Exception {
    ours = cleanup.track(LxcfsProcess.start());
    other = cleanup.track(LxcfsProcess.start());
    cgroup = cleanup.track(MemoryCgroup.create(LIMIT_BYTES));
    standIn = cleanup.track(StandInContainer.start("private", List.of(ours, other)));
    standIn.bind(other.file("proc/meminfo"), "/proc/meminfo", true);
    standIn.bind(ours.file("proc/cpuinfo"), "/proc/cpuinfo", false);
    standIn.bind(ours.file("proc/uptime"), "/proc/uptime", false);
  }

  @Test
  void repair_whereAnotherInstancesFolderIsNotMounted_leavesItsLiveMountsAlone() throws Exception {
    MountInfo othersBefore = standIn.mountTable().topAt("/proc/meminfo").orElseThrow();
    ours.restart();

    Programs.Result result = repairWhereTheOtherFolderIsUnmounted();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout())
        .containsPattern("/proc/cpuinfo +repaired")
        .containsPattern("/proc/uptime +repaired")
        .doesNotContain("/proc/meminfo");
    assertThat(standIn.mountTable().topAt("/proc/meminfo")).contains(othersBefore);
    assertThat(standIn.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(standIn.mountTable().topAt("/proc/cpuinfo").orElseThrow().device())
        .isEqualTo(ours.generation());
  }

  @Test
  void watch_startedAfterLxcfsRestarted_findsOurDeadMountsByTheirDeadConnection() throws Exception {
    try (WatchProcess first = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> first.get("/readyz").statusCode() == 200);
      first.stop();
    }
    ours.restart();

    try (WatchProcess second = watch()) {
      Eventually.within(
          Duration.ofSeconds(10),
          "our dead mounts repaired",
          () ->
              ours.generation().equals(topDevice("/proc/cpuinfo"))
                  && ours.generation().equals(topDevice("/proc/uptime")),
          second::diagnostics);
      assertThat(standIn.mountTable().topAt("/proc/meminfo").orElseThrow().device())
          .isEqualTo(other.generation());
    }
  }

  private Object topDevice(String target) throws Exception {
    return standIn.mountTable().topAt(target).orElseThrow().device();
  }

  private WatchProcess watch() throws Exception {
    return WatchProcess.start(
        "--runtime", "proc", "--lxcfs-dir", ours.dir().toString(), "--container", pid());
  }

  /** The agent run in a mount namespace of its own, in which the other lxcfs is not mounted. */
  private Programs.Result repairWhereTheOtherFolderIsUnmounted() {
    ProcessBuilder repair =
        LxcfsRemountJar.builder(
            Map.of(),
            List.of(
                "repair",
                "--runtime",
                "proc",
                "--lxcfs-dir",
                ours.dir().toString(),
                "--container",
                pid()));
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                "umount -l \"$0\" && exec \"$@\"",
                other.dir().toString()));
    command.addAll(repair.command());
    return Programs.run(repair.command(command));
  }

  private String pid() {
    return Long.toString(standIn.pid());
  }
}
