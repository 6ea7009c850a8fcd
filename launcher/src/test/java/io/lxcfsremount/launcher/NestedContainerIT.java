package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LimitedStandIn;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A container inside a container, in a user namespace of its own: the lxcfs mounts it inherited are
 * locked in place. Its dead ones are covered by live ones (stacked), and that is final: the next
 * pass finds them healthy, and the agent is ready.
 */
@RequiresReal(LXCFS)
class NestedContainerIT {
  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;
  private StandInContainer nested;

  @BeforeEach
  void start() throws Exception {
    LimitedStandIn outer = cleanup.track(LimitedStandIn.start());
    lxcfs = outer.lxcfs();
    cgroup = outer.cgroup();
    nested = cleanup.track(outer.container().startNested());
  }

  @Test
  void repair_aLockedDeadMount_isCoveredByTheLiveOne_reportedStacked_andStaysHealthy()
      throws Exception {
    lxcfs.restart();
    assertThat(nested.read(cgroup, "/proc/meminfo").output()).contains(ENOTCONN);

    Programs.Result repair = lxcfsRemount("repair");

    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.stdout()).containsPattern("/proc/meminfo \\(ro\\) +stacked");
    assertThat(nested.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    MountInfo top = nested.mountTable().topAt("/proc/meminfo").orElseThrow();
    assertThat(top.device()).isEqualTo(lxcfs.generation());
    assertThat(top.hasOption("ro")).isTrue();

    Programs.Result again = lxcfsRemount("status");

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.stdout()).containsPattern("/proc/meminfo \\(ro\\) +healthy");
  }

  @Test
  void watch_stacksTheLockedDeadMount_countsIt_andIsReady() throws Exception {
    try (WatchProcess watch =
        WatchProcess.start(
            "--runtime", "proc", "--lxcfs-dir", lxcfs.dir().toString(), "--container", pid())) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);

      lxcfs.restart();

      Eventually.within(
          Duration.ofSeconds(10),
          "the nested container reads its limit",
          () -> nested.read(cgroup, "/proc/meminfo").stdout().startsWith(LIMITED_MEMINFO),
          watch::diagnostics);
      Eventually.within(
          Duration.ofSeconds(10),
          "stacked mounts counted, and ready",
          () ->
              watch.metric("lxcfs_remount_repairs_total{result=\"stacked\"}") >= 1
                  && watch.get("/readyz").statusCode() == 200,
          watch::diagnostics);
    }
  }

  private Programs.Result lxcfsRemount(String command) {
    return LxcfsRemountJar.run(
        command, "--runtime", "proc", "--lxcfs-dir", lxcfs.dir().toString(), "--container", pid());
  }

  private String pid() {
    return Long.toString(nested.pid());
  }
}
