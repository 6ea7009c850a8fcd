package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring agrees with itself and with the DaemonSet it watches. promtool's checks are in
 * MonitoringRulesIT; the metric names, against a real agent's, in PrometheusAlertsIT.
 */
class MonitoringManifestsTest {
  @Test
  void prometheusRule_isTheRuleFile() throws Exception {
    GenericKubernetesResource rule = MonitoringFiles.object(MonitoringFiles.PROMETHEUS_RULE);

    assertThat(rule.getKind()).isEqualTo("PrometheusRule");
    assertThat(rule.getAdditionalProperties().get("spec"))
        .as(
            "prometheusrule.yaml differs from the rule file: run deploy/monitoring/generate-prometheusrule")
        .isEqualTo(MonitoringFiles.read(MonitoringFiles.RULES));
  }

  @Test
  @SuppressWarnings("unchecked")
  void podMonitor_scrapesTheRemountContainersMetricsPort_asJobLxcfsRemount_withTheNode()
      throws Exception {
    DaemonSet daemonSet = DeployManifests.daemonSet();
    GenericKubernetesResource monitor = MonitoringFiles.object(MonitoringFiles.POD_MONITOR);
    Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    Map<String, Object> endpoint =
        ((List<Map<String, Object>>) spec.get("podMetricsEndpoints")).get(0);

    assertThat(monitor.getKind()).isEqualTo("PodMonitor");
    assertThat(monitor.getMetadata().getNamespace())
        .isEqualTo(daemonSet.getMetadata().getNamespace());
    assertThat(daemonSet.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(
            (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels"));
    assertThat(
            (List<String>) ((Map<String, Object>) spec.get("namespaceSelector")).get("matchNames"))
        .containsExactly(daemonSet.getMetadata().getNamespace());
    Container remount = DeployManifests.container(daemonSet, "remount");
    assertThat(remount.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .contains(tuple(endpoint.get("port"), 9477));
    assertThat(remount.getArgs()).contains("--listen=0.0.0.0:9477");
    assertThat(endpoint.get("path")).isEqualTo("/metrics");
    assertThat((List<Map<String, Object>>) endpoint.get("relabelings"))
        .contains(
            Map.of(
                "sourceLabels", List.of("__meta_kubernetes_pod_node_name"), "targetLabel", "node"),
            Map.of("targetLabel", "job", "replacement", "lxcfs-remount"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlert_hasASeverity_aSummary_andADescription() throws Exception {
    List<Map<String, Object>> alerts =
        MonitoringFiles.alerts(MonitoringFiles.read(MonitoringFiles.RULES));

    assertThat(alerts)
        .extracting(alert -> alert.get("alert"))
        .containsExactlyInAnyOrder(
            "LxcfsDown",
            "LxcfsRemountFailing",
            "LxcfsFlapping",
            "LxcfsRemountAgentDown",
            "LxcfsRemountSlowRecovery");
    for (Map<String, Object> alert : alerts) {
      assertThat((Map<String, Object>) alert.get("labels"))
          .as("%s", alert.get("alert"))
          .containsKey("severity");
      assertThat((Map<String, Object>) alert.get("annotations"))
          .as("%s", alert.get("alert"))
          .containsKeys("summary", "description");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kustomization_appliesTheMonitorTheRulesAndTheDashboard() throws Exception {
    Map<String, Object> kustomization = MonitoringFiles.read(MonitoringFiles.KUSTOMIZATION);
    List<String> files = new ArrayList<>((List<String>) kustomization.get("resources"));
    for (Map<String, Object> generator :
        (List<Map<String, Object>>) kustomization.get("configMapGenerator")) {
      files.addAll((List<String>) generator.get("files"));
    }

    assertThat(files)
        .containsExactlyInAnyOrder(
            MonitoringFiles.POD_MONITOR,
            MonitoringFiles.PROMETHEUS_RULE,
            MonitoringFiles.DASHBOARD);
    for (String file : files) {
      assertThat(MonitoringFiles.file(file)).isRegularFile();
    }
  }
}
