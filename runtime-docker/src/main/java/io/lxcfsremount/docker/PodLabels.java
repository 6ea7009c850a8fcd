package io.lxcfsremount.docker;

import io.lxcfsremount.core.runtime.Injected;
import io.lxcfsremount.core.runtime.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes pod of a Docker container, from the labels kubelet's Docker shim (dockershim,
 * cri-dockerd) puts on every container it creates; and the webhook's record of what it injected,
 * which the shim puts on the pod's sandbox with the pod's other annotations.
 */
final class PodLabels {
  static final String NAME = "io.kubernetes.pod.name";
  static final String NAMESPACE = "io.kubernetes.pod.namespace";
  static final String UID = "io.kubernetes.pod.uid";

  /** On a pod's containers: the id of its sandbox (the pause container). */
  static final String SANDBOX = "io.kubernetes.sandbox.id";

  /** On a pod's containers: the container's name in the pod. */
  static final String CONTAINER = "io.kubernetes.container.name";

  /** On a sandbox: the webhook's record, one of the pod's annotations the shim copies as labels. */
  static final String INJECTED = "annotation." + Injected.ANNOTATION;

  private PodLabels() {}

  /**
   * The paths the webhook's record names for each container, found on the sandboxes among {@code
   * listed}: for the container of {@code labels}, {@code injectedInto(records, labels)}.
   */
  static Map<String, Map<String, List<String>>> injectedBySandbox(List<EngineJson.Listed> listed) {
    Map<String, Map<String, List<String>>> records = new HashMap<>();
    for (EngineJson.Listed one : listed) {
      String record = one.labels().get(INJECTED);
      if (record != null) {
        records.put(one.id(), Injected.read("pod sandbox " + one.id(), record));
      }
    }
    return records;
  }

  /** The paths the record of its pod names for the container of {@code labels}. */
  static List<String> injectedInto(
      Map<String, Map<String, List<String>>> bySandbox, Map<String, String> labels) {
    String sandbox = labels.get(SANDBOX);
    String container = labels.get(CONTAINER);
    if (sandbox == null || container == null) {
      return List.of();
    }
    return bySandbox.getOrDefault(sandbox, Map.of()).getOrDefault(container, List.of());
  }

  /** The pod, or null for a container started outside Kubernetes (or with an incomplete set). */
  static Pod podOf(Map<String, String> labels) {
    String name = labels.get(NAME);
    String namespace = labels.get(NAMESPACE);
    if (name == null || name.isEmpty() || namespace == null || namespace.isEmpty()) {
      return null;
    }
    return new Pod(namespace, name, labels.getOrDefault(UID, ""));
  }
}
