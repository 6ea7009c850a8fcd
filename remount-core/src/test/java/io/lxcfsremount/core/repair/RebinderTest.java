package io.lxcfsremount.core.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFilter;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.testing.FakeLinuxCalls;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the rebinder makes of each outcome, with the system calls faked. */
class RebinderTest {
  private static final Device LIVE = new Device(0, 50);
  private static final Lxcfs LXCFS = Lxcfs.healthy("/var/lib/lxcfs", LIVE, 7, Set.of());
  private static final String CONTAINER =
      """
      21 1 0:20 / / rw - overlay overlay rw
      22 21 0:21 / /proc rw - proc proc rw
      30 22 0:41 /proc/meminfo /proc/meminfo ro,relatime - fuse.lxcfs lxcfs rw
      31 22 0:41 /proc/uptime /proc/uptime rw,relatime - fuse.lxcfs lxcfs rw
      """;

  @Test
  void aMoveMountThatLostTheEnoentRace_failsAndIsWorthAnotherTry() throws Exception {
    FakeLinuxCalls calls =
        new FakeLinuxCalls(LIVE)
            .failing(
                "/proc/meminfo",
                RebindOutcome.mounting(
                    "move_mount",
                    RebindOutcome.CLONE,
                    "/proc/meminfo",
                    "MOVE_MOUNT_BENEATH",
                    Errnos.ENOENT));

    List<Attempt> attempts = repair(calls);

    assertThat(reports(attempts))
        .extracting(MountReport::target, MountReport::state)
        .containsExactly(
            tuple("/proc/meminfo", MountState.FAILED), tuple("/proc/uptime", MountState.REPAIRED));
    assertThat(reports(attempts).get(0).reason())
        .isEqualTo(
            "move_mount src=/var/lib/lxcfs/proc/meminfo dst=/proc/meminfo flags=MOVE_MOUNT_BENEATH:"
                + " ENOENT (No such file or directory)");
    assertThat(attempts.stream().filter(a -> a.mayPass(Optional.empty())))
        .extracting(Attempt::target)
        .containsExactly("/proc/meminfo");
  }

  @Test
  void anEinval_failsAndIsNotTriedAgain() throws Exception {
    FakeLinuxCalls calls =
        new FakeLinuxCalls(LIVE)
            .failing(
                "/proc/meminfo", new RebindOutcome("move_mount", "/proc/meminfo", Errnos.EINVAL));

    List<Attempt> attempts = repair(calls);

    assertThat(reports(attempts).get(0).state()).isEqualTo(MountState.FAILED);
    assertThat(attempts.get(0).mayPass(Optional.empty())).isFalse();
  }

  @Test
  void eachStaleMountIsOneJobInTheNamespace_withAPrivateCloneOfItsLxcfsFile() throws Exception {
    FakeLinuxCalls calls = new FakeLinuxCalls(LIVE);

    repair(calls);

    assertThat(calls.cloned)
        .containsExactly("/var/lib/lxcfs/proc/meminfo ro", "/var/lib/lxcfs/proc/uptime rw");
    assertThat(calls.jobs)
        .extracting(NamespaceRebind::target)
        .containsExactly("/proc/meminfo", "/proc/uptime");
  }

  @Test
  void aMountWhoseCallsWorked_butThatTheTableDoesNotShow_failsVerifyAndIsWorthAnotherTry()
      throws Exception {
    List<Attempt> attempts = repair(new FakeLinuxCalls(LIVE));

    Optional<Shown> instead = Optional.of(new Shown("fuse.lxcfs 0:41"));
    assertThat(attempts.get(0).report(instead).state()).isEqualTo(MountState.FAILED);
    assertThat(attempts.get(0).report(instead).reason())
        .isEqualTo("verify: top mount at /proc/meminfo is fuse.lxcfs 0:41");
    assertThat(attempts.get(0).mayPass(instead)).isTrue();
    assertThat(attempts.get(1).report(Optional.empty()).state()).isEqualTo(MountState.REPAIRED);
  }

  private static List<MountReport> reports(List<Attempt> attempts) {
    return attempts.stream().map(a -> a.report(Optional.empty())).toList();
  }

  private static List<Attempt> repair(FakeLinuxCalls calls) throws Exception {
    MountTable table = MountTable.parse(CONTAINER, MountFilter.ALL);
    List<LxcfsMount> stale = LxcfsMount.in(table, LXCFS, m -> true);
    return new Rebinder(Strategy.ATOMIC_SWAP, calls)
        .repair(new Fd(-1), table, stale, List.of(), LXCFS);
  }
}
