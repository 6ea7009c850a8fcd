package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.ContainerViews.LIMIT_BYTES;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.HostileFuseMount;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.MemoryCgroup;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A container whose lxcfs mount sits on a FUSE filesystem of its own that never answers: the
 * agent's thread in that container's namespace sleeps in the kernel as soon as it resolves the
 * path. It is given up on, that container is reported as timed out, and every other container is
 * repaired all the same. The time limits here are hang guards, not speed targets.
 */
@RequiresReal(LXCFS)
class HostileFuseMountIT {
  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private MemoryCgroup cgroup;
  private StandInContainer healthy;
  private StandInContainer hostile;
  private HostileFuseMount hostileMount;

  @BeforeEach
  void start() throws Exception {
    lxcfs = cleanup.track(LxcfsProcess.start());
    cgroup = cleanup.track(MemoryCgroup.create(LIMIT_BYTES));
    Path home = Files.createTempDirectory("lxcfs-remount-hostile");
    cleanup.track(() -> Files.deleteIfExists(home));
    Path fuse = Files.createDirectory(home.resolve("fuse"));
    cleanup.track(() -> Files.deleteIfExists(fuse));
    healthy = cleanup.track(StandInContainer.start(lxcfs, "private"));
    healthy.bind(lxcfs.file("proc/meminfo"), "/proc/meminfo", true);
    hostile = cleanup.track(StandInContainer.start(lxcfs, "private"));
    // Closed first: killing the hostile server wakes whatever still sleeps on its files.
    hostileMount = cleanup.track(HostileFuseMount.mount(hostile, fuse));
    hostile.bind(lxcfs.file("proc/meminfo"), hostileMount.file("proc/meminfo"), true);
  }

  @Test
  void repair_givesUpOnTheContainerThatNeverAnswers_andRepairsTheOthers() throws Exception {
    hostileMount.stopAnswering();
    lxcfs.restart();
    awaitCachedLookupsExpired();

    Programs.Result result = lxcfsRemount("repair", "--output", "json");

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(result.stdout());
    assertThat(mountsOf(report, healthy))
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m.get("state").asText()).isEqualTo("repaired"));
    assertThat(healthy.read(cgroup, "/proc/meminfo").stdout()).startsWith(LIMITED_MEMINFO);
    JsonNode timedOut =
        mountsOf(report, hostile).stream()
            .filter(m -> m.get("target").asText().equals(hostileMount.file("proc/meminfo")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no hostile mount in " + result.stdout()));
    assertThat(timedOut.get("state").asText()).isEqualTo("failed");
    assertThat(timedOut.get("reason").asText()).contains("ETIMEDOUT");
    assertThat(result.output()).doesNotContain("Exception");
  }

  @Test
  void watch_keepsAtMostOneThreadStuckInTheHostileContainer_andRepairsTheOthers() throws Exception {
    List<String> args = LxcfsRemountJar.ownedBy(lxcfs, healthy, hostile);
    args.addAll(List.of("--kubernetes-events", "false"));
    try (WatchProcess watch = WatchProcess.startDeployed(args.toArray(String[]::new))) {
      Eventually.within(
          Duration.ofSeconds(20), "ready", () -> watch.get("/readyz").statusCode() == 200);
      hostileMount.stopAnswering();
      awaitCachedLookupsExpired();

      lxcfs.restart();

      Eventually.within(
          Duration.ofSeconds(30),
          "the healthy container repaired, one thread stuck in the hostile one",
          () ->
              healthy.read(cgroup, "/proc/meminfo").stdout().startsWith(LIMITED_MEMINFO)
                  && watch.metric("lxcfs_remount_stuck_namespace_threads") == 1,
          watch::diagnostics);
      // The pass that left it dead is retried within a second, and again and again.
      Eventually.within(
          Duration.ofSeconds(30),
          "two more passes",
          () -> watch.metric("lxcfs_remount_reconcile_seconds_count") >= 4,
          watch::diagnostics);
      assertThat(watch.metric("lxcfs_remount_stuck_namespace_threads")).isEqualTo(1);
      assertThat(watch.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(watch.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(watch.log()).contains("ETIMEDOUT");
    }
  }

  /**
   * The kernel keeps what a FUSE server answered to a lookup for a while (lxcfs: 1 s); only a
   * lookup after that asks the stopped server, and sleeps.
   */
  private static void awaitCachedLookupsExpired() throws InterruptedException {
    Thread.sleep(2000);
  }

  private static List<JsonNode> mountsOf(JsonNode report, StandInContainer container) {
    List<JsonNode> mounts = new ArrayList<>();
    for (JsonNode node : report.get("containers")) {
      if (node.get("pid").asLong() == container.pid()) {
        StreamSupport.stream(node.get("mounts").spliterator(), false).forEach(mounts::add);
      }
    }
    return mounts;
  }

  private Programs.Result lxcfsRemount(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(LxcfsRemountJar.ownedBy(lxcfs, healthy, hostile));
    return LxcfsRemountJar.runDeployed(command.toArray(String[]::new));
  }
}
