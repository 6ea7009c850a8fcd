package io.lxcfsremount.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Uninterruptibles;
import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.testing.FakeLinuxCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pass on a fixture /proc, without root: lxcfs found in the agent's table, one container
 * namespace found by the scan, its dead mounts told apart from the live one and from another lxcfs
 * instance's, repaired, verified and retried, with Linux calls that only remember what they were
 * asked.
 */
class ReconcilerTest {
  private static final String DIR = "/var/lib/lxcfs";
  private static final Device LIVE = new Device(0, 50);
  private static final long CONTAINER = 100;
  private static final String CONTAINER_TABLE =
      """
      200 199 0:90 / / rw - overlay overlay rw
      201 200 0:91 / /proc rw,nosuid - proc proc rw
      210 201 0:41 /proc/meminfo /proc/meminfo rw,relatime - fuse.lxcfs lxcfs rw
      211 201 0:41 /proc/uptime /proc/uptime ro,relatime - fuse.lxcfs lxcfs rw
      212 201 0:50 /proc/cpuinfo /proc/cpuinfo rw,relatime - fuse.lxcfs lxcfs rw
      213 201 0:77 /proc/stat /proc/stat rw,relatime - fuse.lxcfs lxcfs rw
      """;

  @TempDir Path root;
  private final FakeLinuxCalls linux =
      new FakeLinuxCalls(LIVE).deadAt("/proc/meminfo").deadAt("/proc/uptime");

  @BeforeEach
  void fixture() throws IOException {
    process("self", 4026531840L, "agent");
    Files.writeString(
        root.resolve("self/mountinfo"),
        """
        21 1 8:1 / / rw - ext4 /dev/sda1 rw
        60 21 0:50 / /var/lib/lxcfs rw,nosuid,nodev,relatime - fuse.lxcfs lxcfs rw
        """);
    process("1", 4026531840L, "systemd");
    process(Long.toString(CONTAINER), 4026532100L, "sleep");
    Files.writeString(root.resolve(CONTAINER + "/mountinfo"), CONTAINER_TABLE);
  }

  @Test
  void deadMountsAreRepaired_theLiveOneAndAnotherInstancesAreLeftAlone() throws Exception {
    linux.onRebind(this::showLiveAt);

    ReconcileReport report = reconciler().run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(mounts(report))
        .extracting(MountReport::target, MountReport::state)
        .containsExactlyInAnyOrder(
            tuple("/proc/cpuinfo", MountState.HEALTHY),
            tuple("/proc/meminfo", MountState.REPAIRED),
            tuple("/proc/uptime", MountState.REPAIRED));
    assertThat(linux.jobs)
        .extracting(NamespaceRebind::target)
        .containsExactlyInAnyOrder("/proc/meminfo", "/proc/uptime");
    assertThat(linux.cloned)
        .containsExactlyInAnyOrder(DIR + "/proc/meminfo rw", DIR + "/proc/uptime ro");
    assertThat(report.summary().nothingDead()).isTrue();
  }

  @Test
  void aRepairTheTableDoesNotShow_failsVerify_andIsTriedOnceMore() throws Exception {
    ReconcileReport report = reconciler().run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(mounts(report))
        .filteredOn(m -> m.state() == MountState.FAILED)
        .extracting(MountReport::target, MountReport::reason)
        .containsExactlyInAnyOrder(
            tuple("/proc/meminfo", "verify: top mount at /proc/meminfo is fuse.lxcfs 0:41"),
            tuple("/proc/uptime", "verify: top mount at /proc/uptime is fuse.lxcfs 0:41"));
    assertThat(linux.jobs).hasSize(4);
    assertThat(report.summary().nothingDead()).isFalse();
  }

  @Test
  void aMountReplacedByTheLiveLxcfsSinceItWasRead_isHealthy_withoutARetry() throws Exception {
    // The host's folder propagates into the container: the new lxcfs replaced the dead mount at
    // /proc/uptime after the pass read it, so the mount-ID check there finds another mount.
    linux
        .failing("/proc/uptime", new RebindOutcome("mount ID check", "/proc/uptime", Errnos.ESTALE))
        .onRebind(
            rebind -> {
              showLiveAt(rebind);
              showLiveAt("/proc/uptime");
            });

    ReconcileReport report = reconciler().run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(mounts(report))
        .filteredOn(m -> m.target().equals("/proc/uptime"))
        .extracting(MountReport::state)
        .containsExactly(MountState.HEALTHY);
    assertThat(linux.pinned).as("no retry").containsExactly(CONTAINER);
    assertThat(report.summary().nothingDead()).isTrue();
  }

  @Test
  void everyMountReplacedByTheLiveLxcfsSinceItWasRead_isHealthy_withoutARetry() throws Exception {
    // None of the container's calls succeeds: the verifying read is still made, and tells why.
    RebindOutcome replaced = new RebindOutcome("mount ID check", "", Errnos.ESTALE);
    linux
        .failing("/proc/meminfo", replaced)
        .failing("/proc/uptime", replaced)
        .meanwhile(
            () -> {
              showLiveAt("/proc/meminfo");
              showLiveAt("/proc/uptime");
            });

    ReconcileReport report = reconciler().run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(mounts(report))
        .filteredOn(m -> m.target().equals("/proc/meminfo") || m.target().equals("/proc/uptime"))
        .extracting(MountReport::state)
        .containsExactly(MountState.HEALTHY, MountState.HEALTHY);
    assertThat(linux.pinned).as("no retry").containsExactly(CONTAINER);
  }

  @Test
  void aMountReplacedSinceItWasRead_byWhatIsNotTheLiveLxcfs_isTriedOnceMore() throws Exception {
    linux
        .failing("/proc/uptime", new RebindOutcome("mount ID check", "/proc/uptime", Errnos.ESTALE))
        .onRebind(this::showLiveAt);

    reconciler().run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(linux.pinned).containsExactly(CONTAINER, CONTAINER);
    assertThat(linux.jobs)
        .extracting(NamespaceRebind::target)
        .containsExactlyInAnyOrder("/proc/meminfo", "/proc/uptime", "/proc/uptime");
  }

  @Test
  void aGenerationSeenAtTheFolder_isStale_evenWhileTheLxcfsTableShowsItElsewhere()
      throws Exception {
    Path self = root.resolve("self/mountinfo");
    String now = Files.readString(self);
    Files.writeString(self, now.replace(" 0:50 ", " 0:41 "));
    Reconciler reconciler = reconciler();
    reconciler.run(Reconciler.Mode.REPAIR, c -> true);
    // A restarted lxcfs, whose start script has not yet replaced the host's bind of the dead one.
    Files.writeString(
        self,
        now + "61 21 0:41 / /host/var/lib/lxcfs rw,nosuid,nodev,relatime - fuse.lxcfs lxcfs rw\n");
    linux.onRebind(this::showLiveAt);

    ReconcileReport report = reconciler.run(Reconciler.Mode.REPAIR, c -> true);

    assertThat(mounts(report))
        .filteredOn(m -> m.state() == MountState.REPAIRED)
        .extracting(MountReport::target)
        .containsExactlyInAnyOrder("/proc/meminfo", "/proc/uptime");
  }

  @Test
  void status_changesNothing() throws Exception {
    ReconcileReport report = reconciler().run(Reconciler.Mode.STATUS, c -> true);

    assertThat(mounts(report))
        .extracting(MountReport::target, MountReport::state)
        .containsExactlyInAnyOrder(
            tuple("/proc/cpuinfo", MountState.HEALTHY),
            tuple("/proc/meminfo", MountState.STALE),
            tuple("/proc/uptime", MountState.STALE));
    assertThat(linux.jobs).isEmpty();
    assertThat(linux.cloned).isEmpty();
  }

  @Test
  void threadsAreReadiedAhead_onlyForTheNamespacesTheLastPassFoundHoldingLxcfsMounts()
      throws Exception {
    Reconciler reconciler = reconciler();
    reconciler.readyThreads();
    assertThat(reconciler.passThreads()).isZero();
    assertThat(linux.namespaceThreadsReadied).isZero();

    reconciler.run(Reconciler.Mode.STATUS, c -> true);
    await("the pass's threads to end, idle")
        .atMost(Duration.ofSeconds(10))
        .until(() -> reconciler.passThreads() == 0);
    reconciler.readyThreads();

    assertThat(reconciler.passThreads()).isEqualTo(1);
    assertThat(linux.namespaceThreadsReadied).isEqualTo(1);
  }

  @Test
  void aContainerWhoseRepairNeverReturns_timesOut_theOthersAreRepaired_andNoLaterPassIsHeldUp()
      throws Exception {
    process("101", 4026532101L, "sleep");
    Files.writeString(
        root.resolve("101/mountinfo"),
        """
        300 299 0:90 / / rw - overlay overlay rw
        301 300 0:91 / /proc rw,nosuid - proc proc rw
        310 301 0:41 /proc/loadavg /proc/loadavg rw,relatime - fuse.lxcfs lxcfs rw
        """);
    linux.deadAt("/proc/loadavg");
    CountDownLatch never = new CountDownLatch(1);
    linux.onRebind(
        rebind -> {
          if (rebind.target().equals("/proc/loadavg")) {
            // Asleep in the kernel: deaf to interrupts.
            Uninterruptibles.awaitUninterruptibly(never);
          } else {
            showLiveAt(rebind);
          }
        });
    // Two at once: each pass leaves one more thread asleep, which a pool of the passes' width would
    // run out of by the third.
    Reconciler reconciler = reconciler(Duration.ofMillis(300), 2);
    try {
      ReconcileReport first = reconciler.run(Reconciler.Mode.REPAIR, c -> true);
      reconciler.run(Reconciler.Mode.REPAIR, c -> true);
      ReconcileReport third = reconciler.run(Reconciler.Mode.REPAIR, c -> true);

      assertThat(first.containers())
          .extracting(c -> c.candidate().pid(), ContainerReport::failed)
          .containsExactlyInAnyOrder(
              tuple(CONTAINER, null),
              tuple(
                  101L,
                  "timed out: no result within 300 ms per container (something in it does"
                      + " not answer)"));
      assertThat(mounts(first))
          .extracting(MountReport::target, MountReport::state)
          .contains(
              tuple("/proc/meminfo", MountState.REPAIRED),
              tuple("/proc/uptime", MountState.REPAIRED));
      assertThat(third.containers())
          .extracting(c -> c.candidate().pid(), c -> c.failed() != null)
          .containsExactlyInAnyOrder(tuple(CONTAINER, false), tuple(101L, true));
    } finally {
      never.countDown();
    }
  }

  private Reconciler reconciler() {
    return reconciler(Reconciler.CONTAINER_TIMEOUT, 4);
  }

  private Reconciler reconciler(Duration containerTimeout, int parallelism) {
    ProcFs proc = new ProcFs(root);
    return new Reconciler(
        proc,
        new LxcfsLocator(proc, DIR, LxcfsLocator.DEFAULT_TIMEOUT, linux),
        new CandidateFinder(proc, List.of(), true, new RuntimeCalls()),
        new Rebinder(Strategy.ATOMIC_SWAP, linux),
        linux,
        parallelism,
        Ticker.systemTicker(),
        containerTimeout);
  }

  private static List<MountReport> mounts(ReconcileReport report) {
    return report.containers().stream().map(ContainerReport::mounts).flatMap(List::stream).toList();
  }

  /** What the kernel shows after a rebind: the live lxcfs on top at its target. */
  private void showLiveAt(NamespaceRebind rebind) {
    showLiveAt(rebind.target());
  }

  private void showLiveAt(String target) {
    Path table = root.resolve(CONTAINER + "/mountinfo");
    try {
      String lines = Files.readString(table);
      Files.writeString(
          table,
          lines.replace(
              " 0:41 " + target + " " + target + " ", " 0:50 " + target + " " + target + " "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void process(String pid, long mountNamespace, String command) throws IOException {
    Path dir = Files.createDirectories(root.resolve(pid).resolve("ns"));
    Files.createSymbolicLink(dir.resolve("mnt"), Path.of("mnt:[" + mountNamespace + "]"));
    Files.writeString(root.resolve(pid).resolve("comm"), command + "\n");
    Files.writeString(root.resolve(pid).resolve("cmdline"), command + "\0");
  }
}
