package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code lxcfs-remount watch} as the sidecar runs it, against a real lxcfs that the test restarts,
 * kills and flaps, and stand-in containers that nobody repairs by hand.
 */
@RequiresReal(LXCFS)
class WatchIT {
  private static final List<String> FILES = List.of("meminfo", "cpuinfo", "stat", "uptime");

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;
  private final List<StandInContainer> containers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    lxcfs = cleanup.track(LxcfsProcess.start());
    cgroup = cleanup.track(MemoryCgroup.create(LIMIT_BYTES));
    for (int i = 0; i < 3; i++) {
      StandInContainer container = cleanup.track(StandInContainer.start(lxcfs, "private"));
      containers.add(container);
      for (String file : FILES) {
        container.bind(lxcfs.file("proc/" + file), "/proc/" + file, file.equals("meminfo"));
      }
    }
  }

  @Test
  void restart_isRepairedWithoutAnyCommand_andShowsInMetrics() throws Exception {
    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);

      lxcfs.restart();

      Eventually.within(Duration.ofSeconds(5), "every container repaired", this::allHealthy);
      assertThat(containers.get(0).read(cgroup, "/proc/meminfo").stdout())
          .startsWith(LIMITED_MEMINFO);
      Eventually.within(
          Duration.ofSeconds(5),
          "metrics of the pass",
          () ->
              watch.metric("lxcfs_remount_repairs_total{result=\"repaired\"}")
                  >= containers.size() * (FILES.size() + 1));
      assertThat(watch.metric("lxcfs_remount_lxcfs_generation_changes_total")).isEqualTo(1);
      assertThat(watch.metric("lxcfs_remount_lxcfs_up")).isEqualTo(1);
      assertThat(watch.metric("lxcfs_remount_recovery_seconds_count")).isEqualTo(1);
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(watch.log())
          .contains("generation " + lxcfs.generation())
          .contains("repair pass: ");
    }
  }

  @Test
  void sigkill_makesItNotReady_untilANewLxcfsIsRepairedIn() throws Exception {
    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);

      lxcfs.kill();

      Eventually.within(
          Duration.ofSeconds(5), "lxcfs up = 0", () -> watch.metric("lxcfs_remount_lxcfs_up") == 0);
      assertThat(watch.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(watch.get("/readyz").body()).contains("ENOTCONN");

      lxcfs.unmountDead();
      lxcfs.launch();

      Eventually.within(Duration.ofSeconds(5), "every container repaired", this::allHealthy);
      Eventually.within(
          Duration.ofSeconds(5), "ready again", () -> watch.get("/readyz").statusCode() == 200);
      assertThat(watch.metric("lxcfs_remount_lxcfs_up")).isEqualTo(1);
    }
  }

  @Test
  void flapping_tenRestartsInFiveSeconds_leaveEveryContainerHealthyWithinASecond()
      throws Exception {
    List<Long> lxcfsMounts = lxcfsMountCounts();
    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);
      long start = System.nanoTime();

      for (int i = 0; i < 10; i++) {
        lxcfs.restart();
      }

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      Eventually.within(
          Duration.ofSeconds(1),
          "every container healthy after the last restart",
          this::allHealthy,
          watch::diagnostics);
      assertThat(lxcfsMountCounts()).isEqualTo(lxcfsMounts);
      for (StandInContainer container : containers) {
        assertThat(container.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
      }
      Eventually.within(
          Duration.ofSeconds(5),
          "ready: the last pass left nothing dead",
          () -> watch.get("/readyz").statusCode() == 200);
    }
  }

  @Test
  void startedAfterARestart_catchesUpAtOnce() throws Exception {
    lxcfs.restart();
    assertThat(containers.get(0).read(cgroup, "/proc/meminfo").stderr()).contains(ENOTCONN);

    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "every container repaired at start-up", this::allHealthy);
      assertThat(containers.get(0).read(cgroup, "/proc/meminfo").stdout())
          .startsWith(LIMITED_MEMINFO);
      Eventually.within(
          Duration.ofSeconds(5), "ready", () -> watch.get("/readyz").statusCode() == 200);
    }
  }

  @Test
  void lxcfsInAMountNamespaceOfItsOwn_restartedAndKilled_isRepaired_withTheDeployedCapabilities()
      throws Exception {
    try (LxcfsProcess hidden = LxcfsProcess.startIsolated();
        StandInContainer container = StandInContainer.start(hidden, "private")) {
      container.bind(hidden.file("proc/meminfo"), "/proc/meminfo", true);
      long mountsBefore = hidden.mountsIn(container.mountTable());
      try (WatchProcess watch =
          WatchProcess.startDeployed(
              "--lxcfs-dir",
              hidden.dir().toString(),
              "--runtime",
              "proc",
              "--kubernetes-events",
              "false",
              "--container",
              Long.toString(container.pid()))) {
        Eventually.within(
            Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);

        hidden.restart();
        Eventually.within(
            Duration.ofSeconds(5),
            "repaired after a restart",
            () -> hidden.isLiveIn(container.mountTable()),
            watch::diagnostics);

        hidden.kill();
        hidden.unmountDead();
        hidden.launch();
        Eventually.within(
            Duration.ofSeconds(5),
            "repaired after a SIGKILL",
            () -> hidden.isLiveIn(container.mountTable()),
            watch::diagnostics);

        assertThat(container.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
        assertThat(hidden.mountsIn(container.mountTable())).isEqualTo(mountsBefore);
        assertThat(watch.log()).doesNotContain("WARN", "Exception");
      }
    }
  }

  @Test
  void sigterm_stopsItPromptly() throws Exception {
    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(10), "ready", () -> watch.get("/readyz").statusCode() == 200);

      int exitCode = watch.stop();

      assertThat(exitCode).isIn(0, 143);
      assertThat(watch.log()).contains("stopped").doesNotContain("Exception");
    }
  }

  private WatchProcess watch() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--lxcfs-dir",
                lxcfs.dir().toString(),
                "--runtime",
                "proc",
                "--kubernetes-events",
                "false"));
    for (StandInContainer container : containers) {
      args.addAll(List.of("--container", Long.toString(container.pid())));
    }
    return WatchProcess.start(args.toArray(String[]::new));
  }

  /** Every visible mount of this test's lxcfs in every container is on its live generation. */
  private boolean allHealthy() throws Exception {
    for (StandInContainer container : containers) {
      if (!lxcfs.isLiveIn(container.mountTable())) {
        return false;
      }
    }
    return true;
  }

  private List<Long> lxcfsMountCounts() throws Exception {
    List<Long> counts = new ArrayList<>();
    for (StandInContainer container : containers) {
      counts.add(lxcfs.mountsIn(container.mountTable()));
    }
    return counts;
  }
}
