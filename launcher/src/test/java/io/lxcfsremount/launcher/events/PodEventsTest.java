package io.lxcfsremount.launcher.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.launcher.MovableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Events on pods, posted to fabric8's mock API server (no API server runs on these machines). */
@EnableKubernetesMockClient(crud = true)
class PodEventsTest {
  private static final Pod WEB = new Pod("shop", "web-7c5464f6b9-6zxdf", "0b9e6c3a-uid");
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(START, ZoneOffset.UTC);

  /** A pass that re-bound one file in one container of WEB. */
  private static final ReconcileReport WEB_REPAIRED =
      report(container(new Container("docker", "aaa", "app", 10, WEB), repaired("/proc/meminfo")));

  KubernetesClient client;
  KubernetesMockServer server;

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
  void stackedAndAttachedMounts_areRemountedToo_andSaySo() {
    PodEvents events = new PodEvents(client, "node-1", CLOCK);

    events.passCompleted(
        report(
            container(
                new Container("cri", "aaa", "app", 10, WEB),
                mount("/proc/meminfo", MountState.REPAIRED, null),
                mount("/proc/cpuinfo", MountState.STACKED, null),
                mount("/proc/uptime", MountState.ATTACHED, null))),
        Duration.ofMillis(40));
    events.close();

    List<Event> posted = client.v1().events().inAnyNamespace().list().getItems();
    assertThat(posted).singleElement().extracting(Event::getReason).isEqualTo("LxcfsRemounted");
    assertThat(posted.get(0).getMessage())
        .isEqualTo(
            "lxcfs restarted: re-bound /proc/meminfo, /proc/cpuinfo (on top of a dead mount locked"
                + " in place), /proc/uptime (was missing) in container app");
  }

  @Test
  void repeats_patchTheOneEventOfThePodAndReason_withTheirCountAndLastTime() {
    MovableClock clock = new MovableClock(START);
    PodEvents events = new PodEvents(client, "node-1", clock);

    for (int restart = 0; restart < 3; restart++) {
      events.passCompleted(WEB_REPAIRED, null);
      awaitIdle(events);
      clock.move(Duration.ofMinutes(1));
    }
    events.passCompleted(
        report(
            container(new Container("docker", "aaa", "app", 10, WEB), repaired("/proc/uptime")),
            container(new Container("docker", "bbb", "log", 11, WEB), repaired("/proc/meminfo"))),
        null);
    events.close();

    Event event = client.v1().events().inAnyNamespace().list().getItems().get(0);
    assertThat(client.v1().events().inAnyNamespace().list().getItems()).hasSize(1);
    assertThat(event.getMetadata().getName())
        .isEqualTo(new EventKey("shop", WEB.name(), WEB.uid(), PodEvents.REMOUNTED).eventName())
        .startsWith(WEB.name() + ".");
    assertThat(event.getCount()).isEqualTo(4);
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(event.getLastTimestamp()).isEqualTo("2026-11-23T10:03:00Z");
    assertThat(event.getMessage())
        .isEqualTo(
            "lxcfs restarted: re-bound /proc/uptime in container app; /proc/meminfo in container"
                + " log");
  }

  @Test
  void hundredLxcfsRestartsOverHundredPods_makeOneEventPerPod_inBoundedApiCalls() throws Exception {
    MovableClock clock = new MovableClock(START);
    PodEvents events = new PodEvents(client, "node-1", clock);
    List<ContainerReport> pods = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Pod pod = new Pod("fleet", "web-" + i, "uid-" + i);
      pods.add(
          container(new Container("cri", "c" + i, "app", 100 + i, pod), repaired("/proc/meminfo")));
    }
    ReconcileReport everyPodRepaired = report(pods.toArray(ContainerReport[]::new));

    // A flapping lxcfs: restarted once a minute, 100 times; then its last Events written.
    for (int restart = 0; restart < 100; restart++) {
      events.passCompleted(everyPodRepaired, null);
      awaitIdle(events);
      clock.move(Duration.ofMinutes(1));
    }
    Instant lastRestart = clock.instant().minus(Duration.ofMinutes(1));
    clock.move(PodEvents.REFILL.multipliedBy(100));
    awaitIdle(events);
    events.close();

    Map<String, Integer> calls = callsByMethod("/api/v1/namespaces/fleet/");
    int total = calls.values().stream().mapToInt(Integer::intValue).sum();
    long elapsed = Duration.between(START, clock.instant()).toSeconds();
    System.out.printf(
        "100 lxcfs restarts over 100 pods: %d API calls %s (one Event per pod; each restart"
            + " posting one Event per pod would make 10000)%n",
        total, calls);
    assertThat(calls).containsOnlyKeys("POST", "PATCH").containsEntry("POST", 100);
    assertThat(total)
        .as("the node's budget: a burst, then one per refill")
        .isLessThanOrEqualTo(PodEvents.BURST + (int) (elapsed / PodEvents.REFILL.toSeconds()));
    List<Event> posted = client.v1().events().inNamespace("fleet").list().getItems();
    assertThat(posted).hasSize(100);
    assertThat(posted)
        .allSatisfy(
            event -> {
              assertThat(event.getCount()).isEqualTo(100);
              assertThat(event.getLastTimestamp()).isEqualTo(lastRestart.toString());
              assertThat(event.getFirstTimestamp()).isEqualTo(START.toString());
            });
  }

  @Test
  void aRestartedAgent_carriesOnTheCountOfTheEventItFinds() {
    PodEvents before = new PodEvents(client, "node-1", CLOCK);
    before.passCompleted(WEB_REPAIRED, null);
    awaitIdle(before);
    before.passCompleted(WEB_REPAIRED, null);
    before.close();

    PodEvents after = new PodEvents(client, "node-1", CLOCK);
    after.passCompleted(WEB_REPAIRED, null);
    after.close();

    assertThat(onlyEventOf("shop").getCount()).isEqualTo(3);
  }

  @Test
  void anEventGoneFromTheApiServer_isCreatedAgain() {
    PodEvents events = new PodEvents(client, "node-1", CLOCK);
    events.passCompleted(WEB_REPAIRED, null);
    awaitIdle(events);
    client.v1().events().inNamespace("shop").delete();

    events.passCompleted(WEB_REPAIRED, null);
    events.close();

    assertThat(onlyEventOf("shop").getCount()).isEqualTo(2);
  }

  @Test
  void anUnreachableApiServer_isLogged_andNeverThrowsNorHoldsUpAPass() {
    try (KubernetesClient unreachable = clientOf("https://127.0.0.1:1");
        CapturedLog log = new CapturedLog()) {
      PodEvents events = new PodEvents(unreachable, "node-1", CLOCK);

      assertTimeoutPreemptively(
          Duration.ofSeconds(5), () -> events.passCompleted(WEB_REPAIRED, null));
      assertTimeoutPreemptively(Duration.ofSeconds(30), events::close);

      assertThat(log.warnings())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith(
                          "cannot write event LxcfsRemounted on pod shop/" + WEB.name() + ": "));
    }
  }

  @Test
  void anApiServerThatNeverAnswers_holdsUpNeitherAPassNorTheAgentsStop() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient wedged = clientOf("https://127.0.0.1:" + silent.getLocalPort());
        CapturedLog log = new CapturedLog()) {
      PodEvents events = new PodEvents(wedged, "node-1", CLOCK);

      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            for (int restart = 0; restart < 100; restart++) {
              events.passCompleted(WEB_REPAIRED, null);
            }
          });
      assertTimeoutPreemptively(Duration.ofSeconds(30), events::close);

      assertThat(log.warnings()).anySatisfy(line -> assertThat(line).startsWith("stopping with "));
    }
  }

  private Event onlyEventOf(String namespace) {
    List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  /** The requests the mock server received under {@code path}, by method. */
  private Map<String, Integer> callsByMethod(String path) throws InterruptedException {
    Map<String, Integer> calls = new TreeMap<>();
    for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
        request != null;
        request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      if (request.getPath().startsWith(path)) {
        calls.merge(request.getMethod(), 1, Integer::sum);
      }
    }
    return calls;
  }

  private static void awaitIdle(PodEvents events) {
    await("the events written that may be")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(events::idle);
  }

  private static KubernetesClient clientOf(String url) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl(url)
                .withTrustCerts(true)
                .withRequestTimeout(60_000)
                .withConnectionTimeout(60_000)
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  /** The warnings PodEvents logs while it is open. */
  private static final class CapturedLog implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(PodEvents.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    CapturedLog() {
      appender.start();
      logger.addAppender(appender);
    }

    List<String> warnings() {
      return appender.list.stream()
          .filter(event -> event.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }

  private static ReconcileReport report(ContainerReport... containers) {
    return new ReconcileReport(
        Lxcfs.healthy("/var/lib/lxcfs", new Device(0, 52), 7, Set.of()),
        List.of(containers),
        List.of(),
        Duration.ofMillis(12));
  }

  private static ContainerReport container(Container container, MountReport... mounts) {
    return ContainerReport.of(
        Candidate.in(container, container.pid(), 4026532000L + container.pid()), List.of(mounts));
  }

  private static MountReport repaired(String target) {
    return mount(target, MountState.REPAIRED, null);
  }

  private static MountReport mount(String target, MountState state, String reason) {
    return new MountReport(target, target, false, state, Strategy.ATOMIC_SWAP, reason);
  }
}
