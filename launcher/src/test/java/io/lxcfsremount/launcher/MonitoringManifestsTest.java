package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring agrees with itself, with the DaemonSet it watches, with the metrics the agent
 * exports and with the README. promtool's own checks are in MonitoringRulesIT.
 */
class MonitoringManifestsTest {
  private static final Pattern METRIC = Pattern.compile("lxcfs_remount_[a-z_]+");

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
        .contains(org.assertj.core.groups.Tuple.tuple(endpoint.get("port"), 9477));
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
  void rulesAndDashboard_useOnlyMetricsTheAgentExports() throws Exception {
    Set<String> exported = exportedNames();
    Set<String> used = new TreeSet<>();
    for (String file : List.of(MonitoringFiles.RULES, MonitoringFiles.DASHBOARD)) {
      Matcher metric = METRIC.matcher(Files.readString(MonitoringFiles.file(file)));
      while (metric.find()) {
        used.add(metric.group());
      }
    }

    assertThat(exported).containsAll(used);
    assertThat(used)
        .contains(
            "lxcfs_remount_lxcfs_up",
            "lxcfs_remount_lxcfs_generation_changes_total",
            "lxcfs_remount_mounts",
            "lxcfs_remount_repairs_total",
            "lxcfs_remount_recovery_seconds_bucket");
  }

  @Test
  void readmesMetricsTable_namesEveryMetric() throws Exception {
    String readme =
        Files.readString(MonitoringFiles.folder().getParent().getParent().resolve("README.md"));

    for (MetricSnapshot metric : new AgentMetrics().registry().scrape()) {
      assertThat(readme).contains("| `" + familyName(metric));
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

  /** Every metric's name and every sample name on /metrics (a histogram's _bucket, ...). */
  private static Set<String> exportedNames() {
    Set<String> names = new TreeSet<>();
    for (MetricSnapshot metric : new AgentMetrics().registry().scrape()) {
      String name = metric.getMetadata().getPrometheusName();
      names.add(familyName(metric));
      if (metric instanceof HistogramSnapshot) {
        names.addAll(List.of(name + "_bucket", name + "_count", name + "_sum"));
      }
    }
    return names;
  }

  private static String familyName(MetricSnapshot metric) {
    String name = metric.getMetadata().getPrometheusName();
    return metric instanceof CounterSnapshot ? name + "_total" : name;
  }
}
