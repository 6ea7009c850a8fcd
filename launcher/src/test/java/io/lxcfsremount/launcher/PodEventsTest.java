package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.lxcfsremount.core.Candidate;
import io.lxcfsremount.core.Container;
import io.lxcfsremount.core.Pod;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Events on pods, posted to fabric8's mock API server (no API server runs on these machines). */
@EnableKubernetesMockClient(crud = true)
class PodEventsTest {
  private static final Pod WEB = new Pod("shop", "web-7c5464f6b9-6zxdf", "0b9e6c3a-uid");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  KubernetesClient client;

  @Test
  void aRepairedPodContainer_getsANormalEvent_aFailedOneAWarning_aPlainContainerNone() {
    PodEvents events = new PodEvents(client, "node-1", CLOCK);

    events.passCompleted(
        report(
            container(
                new Container("docker", "aaa", "app", 10, WEB),
                mount("/proc/meminfo", MountState.REPAIRED, null),
                mount("/proc/cpuinfo", MountState.REPAIRED, null),
                mount(
                    "/proc/uptime",
                    MountState.FAILED,
                    "move_mount /proc/uptime: EINVAL (Invalid argument)")),
            container(
                new Container("docker", "bbb", "plain", 20, null),
                mount("/proc/meminfo", MountState.REPAIRED, null)),
            container(
                new Container("docker", "ccc", "sidecar", 30, WEB),
                mount("/proc/meminfo", MountState.HEALTHY, null))),
        Duration.ofMillis(40));
    events.close();

    List<Event> posted = client.v1().events().inAnyNamespace().list().getItems();
    assertThat(posted).hasSize(2);
    Event normal =
        posted.stream().filter(e -> e.getType().equals("Normal")).findFirst().orElseThrow();
    assertThat(normal.getReason()).isEqualTo("LxcfsRemounted");
    assertThat(normal.getMessage())
        .isEqualTo("lxcfs restarted: re-bound /proc/meminfo, /proc/cpuinfo in container app");
    assertThat(normal.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(normal.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(normal.getInvolvedObject().getName()).isEqualTo(WEB.name());
    assertThat(normal.getInvolvedObject().getNamespace()).isEqualTo("shop");
    assertThat(normal.getInvolvedObject().getUid()).isEqualTo(WEB.uid());
    assertThat(normal.getReportingComponent()).isEqualTo("lxcfs-remount");
    assertThat(normal.getReportingInstance()).isEqualTo("node-1");
    assertThat(normal.getFirstTimestamp()).isEqualTo("2026-11-23T10:00:00Z");
    Event warning =
        posted.stream().filter(e -> e.getType().equals("Warning")).findFirst().orElseThrow();
    assertThat(warning.getReason()).isEqualTo("LxcfsRemountFailed");
    assertThat(warning.getMessage()).contains("/proc/uptime", "EINVAL", "container app");
  }

  @Test
  void anUnreachableApiServer_isLoggedAndNeverThrows() {
    client.close();
    PodEvents events = new PodEvents(client, "node-1", CLOCK);

    events.passCompleted(
        report(
            container(
                new Container("docker", "aaa", "app", 10, WEB),
                mount("/proc/meminfo", MountState.REPAIRED, null))),
        null);
    events.close();
  }

  private static ReconcileReport report(ContainerReport... containers) {
    return new ReconcileReport(
        new Lxcfs("/var/lib/lxcfs", new Device(0, 52), 7, null, Set.of()),
        List.of(containers),
        List.of(),
        Duration.ofMillis(12));
  }

  private static ContainerReport container(Container container, MountReport... mounts) {
    return ContainerReport.of(
        new Candidate(container, container.pid(), 4026532000L + container.pid()), List.of(mounts));
  }

  private static MountReport mount(String target, MountState state, String reason) {
    return new MountReport(target, target, false, state, Strategy.ATOMIC_SWAP, reason);
  }
}
