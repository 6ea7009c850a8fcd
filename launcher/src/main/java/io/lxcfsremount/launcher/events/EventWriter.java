package io.lxcfsremount.launcher.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes one core/v1 Event on a pod: creates it the first time, then patches its count, last time
 * and message (a JSON merge patch); the calls the ClusterRole of deploy/kubernetes allows, and no
 * other.
 */
final class EventWriter {
  private static final String COMPONENT = "lxcfs-remount";

  private final KubernetesClient client;
  private final String nodeName;

  EventWriter(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  /**
   * Writes {@code write}: creates the Event, or patches it when it was written before (creating it
   * again when it has expired). An Event of that name made by an earlier agent is carried on: its
   * count plus this agent's.
   *
   * @return the count the Event now holds
   * @throws KubernetesClientException when the API server refuses or cannot be reached
   */
  int write(EventWrite write) {
    if (write.exists()
        && unless(HttpURLConnection.HTTP_NOT_FOUND, () -> patch(write, write.count()))) {
      return write.count();
    }
    if (unless(HttpURLConnection.HTTP_CONFLICT, () -> create(write, write.count()))) {
      return write.count();
    }
    Event earlier = event(write).get();
    if (earlier == null) {
      create(write, write.count());
      return write.count();
    }
    int count = Objects.requireNonNullElse(earlier.getCount(), 1) + write.count();
    patch(write, count);
    return count;
  }

  /** Makes {@code call}: false when the API server answers it with {@code status}. */
  private static boolean unless(int status, Runnable call) {
    try {
      call.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != status) {
        throw e;
      }
      return false;
    }
  }

  /**
   * The Event by its name. Named as a resource (not withName) so that a patch sends the patch
   * alone: without one, fabric8 first reads the whole Event.
   */
  private Resource<Event> event(EventWrite write) {
    Event named =
        new EventBuilder()
            .withNewMetadata()
            .withName(write.key().eventName())
            .withNamespace(write.key().namespace())
            .endMetadata()
            .build();
    return client.v1().events().inNamespace(write.key().namespace()).resource(named);
  }

  private void patch(EventWrite write, int count) {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("count", count);
    changes.put("lastTimestamp", write.lastTime().toString());
    changes.put("message", write.message());
    event(write)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(changes));
  }

  private void create(EventWrite write, int count) {
    EventKey key = write.key();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(key.eventName())
            .withNamespace(key.namespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("Pod")
            .withNamespace(key.namespace())
            .withName(key.pod())
            .withUid(key.uid())
            .endInvolvedObject()
            .withType(write.type())
            .withReason(key.reason())
            .withMessage(write.message())
            .withAction("Remount")
            .withNewSource()
            .withComponent(COMPONENT)
            .withHost(nodeName)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(nodeName)
            .withFirstTimestamp(write.firstTime().toString())
            .withLastTimestamp(write.lastTime().toString())
            .withCount(count)
            .build();
    client.v1().events().inNamespace(key.namespace()).resource(event).create();
  }
}
