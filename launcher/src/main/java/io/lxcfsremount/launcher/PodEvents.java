package io.lxcfsremount.launcher;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lxcfsremount.core.Container;
import io.lxcfsremount.core.Pod;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the pods whose containers a pass touched, where {@code kubectl describe pod}
 * shows them: {@code Normal LxcfsRemounted} with the files re-bound, {@code Warning
 * LxcfsRemountFailed} with what failed. Posted from a thread of their own: a slow or failing API
 * server is logged and never holds up a repair.
 */
final class PodEvents implements WatchListener, AutoCloseable {
  static final String REMOUNTED = "LxcfsRemounted";
  static final String FAILED = "LxcfsRemountFailed";
  private static final String COMPONENT = "lxcfs-remount";
  private static final Logger log = LoggerFactory.getLogger(PodEvents.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final ExecutorService poster =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "kubernetes-events");
            thread.setDaemon(true);
            return thread;
          });

  PodEvents(KubernetesClient client, String nodeName, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    for (ContainerReport container : report.containers()) {
      Container owner = container.candidate().container();
      if (owner.pod() == null) {
        continue;
      }
      List<MountReport> repaired = with(container, MountState.REPAIRED);
      List<MountReport> failed = with(container, MountState.FAILED);
      if (!repaired.isEmpty()) {
        post(
            event(
                owner,
                "Normal",
                REMOUNTED,
                "lxcfs restarted: re-bound "
                    + targets(repaired)
                    + " in container "
                    + owner.name()));
      }
      if (!failed.isEmpty()) {
        post(
            event(
                owner,
                "Warning",
                FAILED,
                "could not re-bind "
                    + failed.stream()
                        .map(m -> m.target() + " (" + m.reason() + ")")
                        .collect(Collectors.joining(", "))
                    + " in container "
                    + owner.name()));
      }
    }
  }

  private static List<MountReport> with(ContainerReport container, MountState state) {
    return container.mounts().stream().filter(m -> m.state() == state).toList();
  }

  private static String targets(List<MountReport> mounts) {
    return mounts.stream().map(MountReport::target).collect(Collectors.joining(", "));
  }

  private Event event(Container container, String type, String reason, String message) {
    Pod pod = container.pod();
    String now = Instant.now(clock).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withName(pod.name() + "." + Long.toHexString(clock.millis()) + sequence.incrementAndGet())
        .withNamespace(pod.namespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Pod")
        .withNamespace(pod.namespace())
        .withName(pod.name())
        .withUid(pod.uid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withAction("Remount")
        .withNewSource()
        .withComponent(COMPONENT)
        .withHost(nodeName)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(nodeName)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  private void post(Event event) {
    poster.execute(
        () -> {
          try {
            client
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create();
          } catch (RuntimeException e) {
            log.warn(
                "cannot post event {} on pod {}/{}: {}",
                event.getReason(),
                event.getInvolvedObject().getNamespace(),
                event.getInvolvedObject().getName(),
                e.getMessage());
          }
        });
  }

  /**
   * Waits briefly for queued events, so that a stopping agent still reports its last pass. The
   * client stays open: it belongs to whoever made it.
   */
  @Override
  public void close() {
    poster.shutdown();
    try {
      poster.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
