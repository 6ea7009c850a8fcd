package io.lxcfsremount.docker;

import io.lxcfsremount.core.runtime.Pod;
import java.util.Map;

/**
 * The Kubernetes pod of a Docker container, from the labels kubelet's Docker shim (dockershim,
 * cri-dockerd) puts on every container it creates.
 */
final class PodLabels {
  static final String NAME = "io.kubernetes.pod.name";
  static final String NAMESPACE = "io.kubernetes.pod.namespace";
  static final String UID = "io.kubernetes.pod.uid";

  private PodLabels() {}

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
