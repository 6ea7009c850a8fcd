package io.lxcfsremount.docker;

import io.lxcfsremount.core.runtime.Injected;
import io.lxcfsremount.core.runtime.Pod;
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

  /** The webhook's records on the sandboxes among {@code listed}. */
  static Injected.BySandbox injected(List<EngineJson.Listed> listed) {
    Injected.BySandbox records = new Injected.BySandbox();
    listed.forEach(one -> records.add(one.id(), one.labels().get(INJECTED)));
    return records;
  }

  /** The paths the record of its pod names for the container of {@code labels}. */
  static List<String> injectedInto(Injected.BySandbox records, Map<String, String> labels) {
    return records.pathsOf(labels.get(SANDBOX), labels.get(CONTAINER));
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
