package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsMount;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Attempt;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.ForwardingLinuxCalls;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.core.testing.StandInContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Namespace threads that serve one container after another, against a real lxcfs restart and real
 * mount namespaces whose processes run as root and as other users: each container gets its own live
 * mounts, the agent's own table is left alone, and a thread that cannot go home is never reused.
 */
@RequiresReal(LXCFS)
class NamespaceWorkersIT {
  private static final List<String> FILES = List.of("/proc/meminfo", "/proc/uptime");

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LxcfsProcess lxcfs;
  private List<StandInContainer> containers;
  private final Map<StandInContainer, Long> mountsBefore = new HashMap<>();

  @BeforeEach
  void startContainers() throws Exception {
    lxcfs = cleanup.track(LxcfsProcess.start());
    containers =
        List.of(
            cleanup.track(StandInContainer.start(lxcfs, "private")),
            cleanup.track(StandInContainer.startAs(lxcfs, 1000)),
            cleanup.track(StandInContainer.startAs(lxcfs, 65535)));
    assertThat(containers).extracting(NamespaceWorkersIT::uidOf).containsExactly(0, 1000, 65535);
    for (StandInContainer container : containers) {
      for (String file : FILES) {
        container.bind(lxcfs.file(file.substring(1)), file, file.equals("/proc/uptime"));
      }
      // As in a container: the lxcfs files, not the folder they came from.
      container.unmount(lxcfs.dir().toString());
      mountsBefore.put(container, lxcfs.mountsIn(container.mountTable()));
    }
  }

  @Test
  void oneThread_servesEachContainerInTurn_withItsOwnLiveMounts_andTheAgentsTableUnchanged()
      throws Throwable {
    List<String> agentsProcMounts = procMountsOfTheAgent();

    NamespaceWorkers workers = repairEachInTurnFromHome(w -> {});

    assertThat(workers.started()).isEqualTo(1);
    assertEachContainerHasItsOwnLiveMounts();
    assertThat(procMountsOfTheAgent()).isEqualTo(agentsProcMounts);
  }

  @Test
  void threadsReadiedAhead_serveEachContainer_andNoneIsStartedForThem() throws Throwable {
    List<String> agentsProcMounts = procMountsOfTheAgent();

    NamespaceWorkers workers =
        repairEachInTurnFromHome(
            w -> {
              w.ready(2, Duration.ofSeconds(10));
              w.ready(2, Duration.ofSeconds(10));
              await("the readied threads at home")
                  .atMost(Duration.ofSeconds(5))
                  .until(() -> w.idle() == 2);
            });

    assertThat(workers.started()).isEqualTo(2);
    assertEachContainerHasItsOwnLiveMounts();
    assertThat(procMountsOfTheAgent()).isEqualTo(agentsProcMounts);
  }

  /** Live lxcfs on top at each file, no more lxcfs mounts than before, and meminfo answering. */
  private void assertEachContainerHasItsOwnLiveMounts() throws Exception {
    for (StandInContainer container : containers) {
      MountTable after = container.mountTable();
      assertThat(lxcfs.topMountsIn(after)).hasSize(FILES.size());
      assertThat(lxcfs.isLiveIn(after)).isTrue();
      assertThat(lxcfs.mountsIn(after)).isEqualTo(mountsBefore.get(container));
      assertThat(container.exec("head", "-1", "/proc/meminfo")).startsWith("MemTotal:");
    }
  }

  @Test
  void aThreadThatCannotGoHome_ends_andTheNextContainerGetsAFreshOne() throws Exception {
    // setns refuses a descriptor that is not a namespace: going home fails after every visit.
    int notANamespace = Syscalls.open("/dev/null", Syscalls.O_CLOEXEC);
    NamespaceWorkers workers = new NamespaceWorkers(notANamespace);
    try {
      restartAndRepairEachInTurn(workers);

      assertThat(workers.started()).isEqualTo(containers.size());
      for (StandInContainer container : containers) {
        assertThat(lxcfs.isLiveIn(container.mountTable())).isTrue();
      }
    } finally {
      Syscalls.close(notANamespace);
    }
  }

  /**
   * Workers whose home is this mount namespace, given {@code first} to do before lxcfs restarts and
   * each container is repaired on them in turn.
   */
  private NamespaceWorkers repairEachInTurnFromHome(ThrowingConsumer<NamespaceWorkers> first)
      throws Throwable {
    int home = Syscalls.open("/proc/self/ns/mnt", Syscalls.O_CLOEXEC);
    NamespaceWorkers workers = new NamespaceWorkers(home);
    try {
      first.accept(workers);
      restartAndRepairEachInTurn(workers);
    } finally {
      Syscalls.close(home);
    }
    return workers;
  }

  private void restartAndRepairEachInTurn(NamespaceWorkers workers) throws Exception {
    lxcfs.restart();
    for (StandInContainer container : containers) {
      assertThat(repair(workers, container)).allSatisfy(a -> assertThat(a.succeeded()).isTrue());
    }
  }

  /** What the rebinder makes of the container's dead lxcfs mounts, on {@code workers}. */
  private List<Attempt> repair(NamespaceWorkers workers, StandInContainer container)
      throws Exception {
    LinuxCalls linux =
        new ForwardingLinuxCalls() {
          @Override
          public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
            return MountNamespaceThread.run(workers, pidfd, rebinds);
          }
        };
    Lxcfs live =
        new LxcfsLocator(ProcFs.host(), lxcfs.dir().toString(), LxcfsLocator.DEFAULT_TIMEOUT, linux)
            .locate()
            .orElseThrow();
    try (Fd pidfd = linux.pidfdOpen(container.pid())) {
      MountTable table = container.mountTable();
      List<LxcfsMount> stale =
          LxcfsMount.in(table, live, m -> lxcfs.owns(m.device())).stream()
              .filter(LxcfsMount::stale)
              .toList();
      assertThat(stale).hasSize(FILES.size());
      return new Rebinder(Strategy.ATOMIC_SWAP, linux).repair(pidfd, table, stale, List.of(), live);
    }
  }

  private static int uidOf(StandInContainer container) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(container.pid()), "status")).stream()
          .filter(line -> line.startsWith("Uid:"))
          .map(line -> Integer.parseInt(line.split("\\s+")[1]))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The agent's own mounts over /proc: a thread that acted at home would have put lxcfs there. */
  private static List<String> procMountsOfTheAgent() throws Exception {
    return MountTable.read(Path.of("/proc/self/mountinfo")).mounts().stream()
        .filter(m -> m.mountPoint().startsWith("/proc"))
        .map(MountInfo::toString)
        .toList();
  }
}
