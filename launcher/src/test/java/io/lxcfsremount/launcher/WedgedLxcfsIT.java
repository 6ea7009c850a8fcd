package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LimitedStandIn;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An lxcfs that is mounted and alive but answers nothing (stopped with SIGSTOP, as a looping lxcfs
 * behaves), then replaced: the command line and the agent, with the deployed capabilities, say so
 * in time and repair once a new lxcfs answers. The time limits here are hang guards, not speed
 * targets.
 */
@RequiresReal(LXCFS)
class WedgedLxcfsIT {
  /**
   * A guard against hanging: a wedged lxcfs costs a command its probe's 3 s (the JVM's start-up
   * aside), far below this; not a speed check.
   */
  private static final Duration HANG_GUARD = Duration.ofSeconds(15);

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
  void statusAndRepair_onAStoppedLxcfs_exitThreeWithOneLine_andRepairMendsItsReplacement()
      throws Exception {
    lxcfs.wedge();

    Programs.Result status = lxcfsRemount("status");
    Programs.Result repair = lxcfsRemount("repair");
    Programs.Result repairWait = lxcfsRemount("repair", "--wait", "2s", "--lxcfs-timeout", "1s");

    String notAnswering = "lxcfs at " + lxcfs.dir() + " is not answering: statx ";
    CommandLineIT.assertOneLineError(status, 3, notAnswering);
    CommandLineIT.assertOneLineError(repair, 3, notAnswering);
    CommandLineIT.assertOneLineError(
        repairWait,
        3,
        "no healthy lxcfs at " + lxcfs.dir() + " within 2000 ms, last seen not answering: statx");

    replaceWedgedLxcfs();
    Programs.Result repaired = lxcfsRemount("repair");

    assertThat(repaired.exitCode()).as(repaired.output()).isZero();
    assertThat(repaired.stdout()).contains("3 repaired in 1 of 1 containers");
    assertThat(fixture.meminfo().stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void watch_aStoppedLxcfs_isNotReadyAndDown_thenItsReplacementIsRepairedAndReady()
      throws Exception {
    try (WatchProcess watch = watch()) {
      Eventually.within(
          Duration.ofSeconds(20), "ready", () -> watch.get("/readyz").statusCode() == 200);

      lxcfs.wedge();

      Eventually.within(
          Duration.ofSeconds(20),
          "not ready, lxcfs up = 0",
          () ->
              watch.get("/readyz").statusCode() == 503
                  && watch.metric("lxcfs_remount_lxcfs_up") == 0,
          watch::diagnostics);
      assertThat(watch.get("/readyz").body()).contains("lxcfs is not answering: statx ");
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(watch.metric("lxcfs_remount_stuck_probe_threads")).isBetween(1.0, 4.0);
      assertThat(watch.isAlive()).isTrue();

      replaceWedgedLxcfs();

      Eventually.within(
          Duration.ofSeconds(20),
          "repaired and ready again",
          () -> lxcfs.isLiveIn(container.mountTable()) && watch.get("/readyz").statusCode() == 200,
          watch::diagnostics);
      assertThat(fixture.meminfo().stdout()).startsWith(LIMITED_MEMINFO);
      assertThat(watch.metric("lxcfs_remount_lxcfs_up")).isEqualTo(1);
      // Killing the stopped lxcfs ended its connection, and with it every probe stuck on it.
      Eventually.within(
          Duration.ofSeconds(20),
          "no probe thread stuck",
          () -> watch.metric("lxcfs_remount_stuck_probe_threads") == 0);
      assertThat(watch.log()).contains("is not answering").doesNotContain("Exception");
    }
  }

  @Test
  void watch_abortWedged_abortsTheConnectionOfAStoppedLxcfs() throws Exception {
    boolean fusectlMounted = fusectlMounted();
    try (WatchProcess watch = watch("--abort-wedged", "1s")) {
      Eventually.within(
          Duration.ofSeconds(20), "ready", () -> watch.get("/readyz").statusCode() == 200);

      lxcfs.wedge();

      Eventually.within(
          Duration.ofSeconds(30),
          "the wedged connection aborted: lxcfs dead, no probe stuck",
          () ->
              watch.get("/readyz").body().contains("ENOTCONN")
                  && watch.metric("lxcfs_remount_stuck_probe_threads") == 0,
          watch::diagnostics);
      assertThat(watch.log()).containsPattern("WARN .*aborted its FUSE connection");
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);
    } finally {
      if (!fusectlMounted && fusectlMounted()) {
        // The agent mounted fusectl, as systemd does on most hosts; this machine had none.
        Programs.run("umount", "/sys/fs/fuse/connections");
      }
    }
  }

  /** What an operator does: SIGKILL the stopped lxcfs, unmount its dead folder, start lxcfs. */
  private void replaceWedgedLxcfs() throws Exception {
    lxcfs.kill();
    lxcfs.unmountDead();
    lxcfs.launch();
  }

  private static boolean fusectlMounted() throws Exception {
    return Files.readString(Path.of("/proc/self/mountinfo")).contains(" /sys/fs/fuse/connections ");
  }

  private WatchProcess watch(String... more) throws Exception {
    List<String> args = LxcfsRemountJar.ownedBy(lxcfs, container);
    args.addAll(List.of("--kubernetes-events", "false"));
    args.addAll(List.of(more));
    return WatchProcess.startDeployed(args.toArray(String[]::new));
  }

  private Programs.Result lxcfsRemount(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(LxcfsRemountJar.ownedBy(lxcfs, container));
    long start = System.nanoTime();
    Programs.Result result = LxcfsRemountJar.runDeployed(command.toArray(String[]::new));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("hang guard: %s ended", command)
        .isLessThan(HANG_GUARD);
    return result;
  }
}
