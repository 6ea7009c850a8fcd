package io.lxcfsremount.core.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.linux.WatchEvents;
import io.lxcfsremount.core.linux.WatchEvents.Event;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * When the watcher repairs, on scripted sightings of lxcfs. The kernel cannot be made to reuse a
 * device number on demand, so this case is pinned here rather than in WatchIT.
 */
class WatcherTest {
  private static final Device GENERATION = new Device(0, 592);

  private final LxcfsLocator locator = mock(LxcfsLocator.class);
  private final Reconciler reconciler = mock(Reconciler.class);
  private final WatchEvents events = mock(WatchEvents.class);
  @TempDir Path noProcesses;
  private final List<Duration> sleeps = new ArrayList<>();
  private Event wokenBy = Event.MOUNTS_CHANGED;

  /** The watcher's clock: it stands still unless a test moves it ({@link #eachWakeAfter}). */
  private long nanos;

  private Duration betweenWakes = Duration.ZERO;
  private Watcher watcher;

  @BeforeEach
  void wire() throws Exception {
    when(locator.dir()).thenReturn("/var/lib/lxcfs");
    when(reconciler.run(any(), any()))
        .thenReturn(new ReconcileReport(lxcfs(1), List.of(), List.of(), Duration.ofMillis(5)));
    watcher =
        new Watcher(
            reconciler,
            c -> true,
            locator,
            new ProcFs(noProcesses),
            LinuxCalls.jnr(),
            events,
            new WatchListener() {},
            Duration.ofSeconds(60),
            WedgedLxcfsAborter.never(),
            new Ticker() {
              @Override
              public long read() {
                return nanos;
              }
            });
  }

  @Test
  void anLxcfsThatCameBackWithTheSameNumbers_isRepairedAgain() throws Exception {
    sightings(Optional.of(lxcfs(7)), Optional.empty(), Optional.of(lxcfs(7)));

    watcher.run();

    verify(reconciler, times(2)).run(any(), any());
  }

  @Test
  void aRestart_mendsTheKnownNamespacesFirst_thenAsksTheRuntimes() throws Exception {
    when(reconciler.knowsAny()).thenReturn(true);
    when(reconciler.runKnown(any(), any()))
        .thenReturn(new ReconcileReport(lxcfs(8), List.of(), List.of(), Duration.ofMillis(1)));
    sightings(Optional.of(lxcfs(7)), Optional.empty(), Optional.of(lxcfs(8)));

    watcher.run();

    InOrder order = inOrder(reconciler);
    order.verify(reconciler).run(any(), any());
    order.verify(reconciler).runKnown(any(), any());
    order.verify(reconciler).run(any(), any());
  }

  @Test
  void theCatchUpAtStartUp_asksTheRuntimes() throws Exception {
    when(reconciler.knowsAny()).thenReturn(true);
    sightings(Optional.of(lxcfs(7)));

    watcher.run();

    verify(reconciler, never()).runKnown(any(), any());
    verify(reconciler).run(any(), any());
  }

  @Test
  void anLxcfsProcessThatExited_makesTheNextSightingARestart() throws Exception {
    wokenBy = Event.PROCESS_EXITED;
    sightings(Optional.of(lxcfs(7)), Optional.of(lxcfs(7)));

    watcher.run();

    verify(reconciler, times(2)).run(any(), any());
  }

  @Test
  void theSameLxcfsSeenAgain_isNotRepairedAgainBeforeTheResync() throws Exception {
    sightings(Optional.of(lxcfs(7)), Optional.of(lxcfs(7)), Optional.of(lxcfs(7)));

    watcher.run();

    verify(reconciler, times(1)).run(any(), any());
  }

  @Test
  void anLxcfsThatIsUp_isProbedAgainWithinSeconds() throws Exception {
    sightings(Optional.of(lxcfs(7)), Optional.of(lxcfs(7)));

    watcher.run();

    assertThat(sleeps)
        .allSatisfy(
            sleep -> assertThat(sleep).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
  }

  @Test
  void aWedgedLxcfs_getsNoPass_andItsRecoveryIsRepairedAsARestart() throws Exception {
    sightings(
        Optional.of(lxcfs(7)),
        Optional.of(
            Lxcfs.notAnswering(
                "/var/lib/lxcfs",
                GENERATION,
                "statx /var/lib/lxcfs/proc/meminfo: no answer within 3 s",
                Set.of())),
        Optional.of(lxcfs(7)));

    watcher.run();

    verify(reconciler, times(2)).run(any(), any());
    assertThat(sleeps.get(1)).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aPassThatSkippedAMount_isRetriedSoon_notAtTheResync() throws Exception {
    MountReport skipped =
        new MountReport(
            "/proc/meminfo",
            "/proc/meminfo",
            false,
            MountState.SKIPPED,
            Strategy.ATOMIC_SWAP,
            "target vanished");
    Candidate candidate = Candidate.in(new Container("proc", "mnt:[1]", "sleep", 10, null), 10, 1);
    when(reconciler.run(any(), any()))
        .thenReturn(
            new ReconcileReport(
                lxcfs(7),
                List.of(ContainerReport.of(candidate, List.of(skipped))),
                List.of(),
                Duration.ofMillis(5)));
    sightings(Optional.of(lxcfs(7)), Optional.of(lxcfs(7)));

    watcher.run();

    assertThat(sleeps.get(0)).isLessThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aStartingLxcfs_isLookedAtAgainWithinMilliseconds() throws Exception {
    sightings(
        Optional.of(Lxcfs.failing("/var/lib/lxcfs", GENERATION, "statx: ENOENT", Set.of())),
        Optional.of(lxcfs(7)));

    watcher.run();

    assertThat(sleeps.get(0)).isLessThanOrEqualTo(Duration.ofMillis(20));
    verify(reconciler, times(1)).run(any(), any());
  }

  @Test
  void whileLxcfsIsAway_theThreadsOfItsRecoveryAreKeptReady_forAMinute() throws Exception {
    eachWakeAfter(Duration.ofSeconds(25));
    sightings(
        Optional.of(lxcfs(7)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(lxcfs(8)),
        Optional.empty());

    watcher.run();

    // Seen gone at 25 s: readied then, at 50 s and at 75 s, not at 100 s; once it came back and
    // went again, afresh.
    verify(reconciler, times(4)).readyThreads();
  }

  private void eachWakeAfter(Duration sleep) {
    betweenWakes = sleep;
  }

  /** The locator answers these, one per wake-up (each woken by {@link #wokenBy}); then it stops. */
  @SafeVarargs
  private void sightings(Optional<Lxcfs> first, Optional<Lxcfs>... rest) throws Exception {
    when(locator.locate()).thenReturn(first, rest);
    int[] wakes = {0};
    when(events.await(any()))
        .thenAnswer(
            call -> {
              sleeps.add(call.getArgument(0));
              nanos += betweenWakes.toNanos();
              if (++wakes[0] > rest.length) {
                watcher.stop();
              }
              return Set.of(wokenBy);
            });
  }

  private static Lxcfs lxcfs(long mountId) {
    return Lxcfs.healthy("/var/lib/lxcfs", GENERATION, mountId, Set.of());
  }
}
