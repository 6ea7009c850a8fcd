package io.lxcfsremount.cri;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.CRI;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.proc.ContainerInits;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.cri.CriPods.TestPod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * runningContainers on a node-sized load: 100 containers in 25 pods of a real containerd. Their
 * init PIDs come from /proc, and the statuses are asked for at once, so the list takes about as
 * long as one status, not 100.
 */
@RequiresReal(CRI)
class CriRuntimeScaleIT {
  private static final Logger log = LoggerFactory.getLogger(CriRuntimeScaleIT.class);
  private static final int PODS = 25;
  private static final int CONTAINERS_PER_POD = 4;

  private static CriPods pods;
  private static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void startFleet() {
    pods = CriPods.connect();
    long start = System.nanoTime();
    for (int p = 0; p < PODS; p++) {
      TestPod pod = pods.runPod("scale");
      for (int c = 0; c < CONTAINERS_PER_POD; c++) {
        ids.add(pods.startContainer(pod, "c" + c));
      }
    }
    log.info("started {} containers in {} pods in {} ms", ids.size(), PODS, millisSince(start));
  }

  @AfterAll
  static void stopFleet() {
    if (pods != null) {
      pods.close();
    }
  }

  @Test
  void runningContainers_listsAHundredContainersWithinASecond() throws Exception {
    try (CriRuntime cri = CriRuntime.open(pods.endpoint(), RuntimeCalls.CALL_DEADLINE)) {
      cri.runningContainers();
      List<Long> millis = new ArrayList<>();
      List<Container> containers = List.of();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        containers = cri.runningContainers();
        millis.add(millisSince(start));
      }
      log.info(
          "runningContainers() for {} containers: {} ms (5 runs; first connection excluded)",
          containers.size(),
          millis);

      assertThat(containers).extracting(Container::id).containsAll(ids);
      assertThat(containers).allSatisfy(c -> assertThat(c.pid()).isPositive());
      assertThat(Duration.ofMillis(millis.stream().min(Long::compare).orElseThrow()))
          .isLessThan(Duration.ofSeconds(1));
    }
  }

  /**
   * Prints, does not assert: the same listing with the PIDs from /proc and, alternately, from
   * verbose statuses only (a /proc that shows nothing), for what the scan saves on a real
   * containerd.
   */
  @Test
  void runningContainers_withAndWithoutTheProcScan_printed(@TempDir Path noProcesses)
      throws Exception {
    try (CriRuntime withProc = CriRuntime.open(pods.endpoint(), RuntimeCalls.CALL_DEADLINE);
        CriRuntime statusesOnly =
            CriRuntime.open(pods.endpoint(), RuntimeCalls.CALL_DEADLINE, new ProcFs(noProcesses))) {
      withProc.runningContainers();
      statusesOnly.runningContainers();
      List<Long> proc = new ArrayList<>();
      List<Long> verbose = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        List<Container> fromProc = withProc.runningContainers();
        proc.add(millisSince(start));
        start = System.nanoTime();
        List<Container> fromStatuses = statusesOnly.runningContainers();
        verbose.add(millisSince(start));
        assertThat(fromProc).containsExactlyInAnyOrderElementsOf(fromStatuses);
      }
      log.info(
          "runningContainers(), PIDs from /proc: {} ms; from verbose statuses: {} ms",
          proc,
          verbose);
    }
  }

  @Test
  void procTellsEveryContainersInit_asItsVerboseStatusDoes() throws Exception {
    Map<String, Long> fromStatus = new HashMap<>();
    for (String id : ids) {
      fromStatus.put(id, pods.pid(id));
    }

    assertThat(new ContainerInits(ProcFs.host()).scan()).containsAllEntriesOf(fromStatus);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
