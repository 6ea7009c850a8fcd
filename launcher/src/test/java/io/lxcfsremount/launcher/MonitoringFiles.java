package io.lxcfsremount.launcher;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The files of {@code deploy/monitoring}, as the tests read them. */
final class MonitoringFiles {
  static final String RULES = "lxcfs-remount.rules.yml";
  static final String RULES_TEST = "lxcfs-remount.rules.test.yml";
  static final String PROMETHEUS_RULE = "prometheusrule.yaml";
  static final String POD_MONITOR = "podmonitor.yaml";
  static final String DASHBOARD = "lxcfs-remount-dashboard.json";
  static final String KUSTOMIZATION = "kustomization.yaml";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private MonitoringFiles() {}

  static Path folder() {
    return DeployManifests.folder().resolveSibling("monitoring");
  }

  static Path file(String name) {
    return folder().resolve(name);
  }

  /** A YAML (or JSON) file of the folder as plain maps and lists. */
  static Map<String, Object> read(String name) throws IOException {
    try (InputStream in = Files.newInputStream(file(name))) {
      return SERIALIZATION.unmarshal(in, new TypeReference<Map<String, Object>>() {});
    }
  }

  static String yaml(Object document) {
    return SERIALIZATION.asYaml(document);
  }

  /** A Kubernetes object of the folder whose kind fabric8 does not model (the operator's CRDs). */
  static GenericKubernetesResource object(String name) throws IOException {
    return (GenericKubernetesResource) DeployManifests.load(file(name));
  }

  /** Every alerting rule of a rule file's document ({@code groups: [{rules: [...]}]}). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> alerts(Map<String, Object> rules) {
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (rule.containsKey("alert")) {
          alerts.add(rule);
        }
      }
    }
    return alerts;
  }
}
