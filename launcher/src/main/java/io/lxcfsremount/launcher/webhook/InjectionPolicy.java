package io.lxcfsremount.launcher.webhook;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which pods get the lxcfs files: those annotated {@code io.kubernetes.container.lxcfsEnable:
 * "true"} (any case), and those of a namespace labelled {@code lxcfs-admission-webhook: enabled}
 * unless annotated {@code "false"}. Pods of the excluded namespaces (kube-system, lxcfs's own)
 * never: a broken lxcfs there could keep the cluster from repairing itself.
 */
final class InjectionPolicy {
  static final String ENABLE_ANNOTATION = "io.kubernetes.container.lxcfsEnable";

  private final Set<String> excludedNamespaces;

  InjectionPolicy(Set<String> excludedNamespaces) {
    this.excludedNamespaces = Set.copyOf(excludedNamespaces);
  }

  /** Whether to inject, and why (for the log). */
  record Decision(boolean inject, String reason) {}

  Decision decide(Route route, String namespace, Map<String, String> annotations) {
    if (excludedNamespaces.contains(namespace)) {
      return new Decision(false, "namespace " + namespace + " is never mutated");
    }
    String asked = annotations == null ? null : annotations.get(ENABLE_ANNOTATION);
    if (asked != null && asked.strip().toLowerCase(Locale.ROOT).equals("true")) {
      return new Decision(true, ENABLE_ANNOTATION + "=" + asked);
    }
    if (asked != null && asked.strip().toLowerCase(Locale.ROOT).equals("false")) {
      return new Decision(false, "opted out by " + ENABLE_ANNOTATION + "=" + asked);
    }
    if (route == Route.NAMESPACE_PODS) {
      return new Decision(true, "its namespace is labelled lxcfs-admission-webhook=enabled");
    }
    return new Decision(false, "not opted in");
  }
}
