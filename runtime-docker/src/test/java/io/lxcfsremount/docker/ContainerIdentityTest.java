package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.runtime.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a listed Docker container is named: its name, and its pod when kubelet created it. */
class ContainerIdentityTest {
  private static final String ID =
      "ca08ef4cb768afa869e61b7d3606e7a0bbc3d7280ff5fc6b93eb96c43ce521ed";

  @Test
  void name_isTheNameWithoutItsSlash() {
    assertThat(ContainerNames.primary(List.of("/web"), ID)).isEqualTo("web");
  }

  @Test
  void name_skipsLegacyLinkAliases() {
    assertThat(ContainerNames.primary(List.of("/app/db", "/db"), ID)).isEqualTo("db");
  }

  @Test
  void name_withoutNamesIsTheShortId() {
    assertThat(ContainerNames.primary(List.of(), ID)).isEqualTo("ca08ef4cb768");
  }

  @Test
  void pod_fromKubeletLabels() {
    Map<String, String> labels =
        Map.of(
            PodLabels.NAME,
            "web-0",
            PodLabels.NAMESPACE,
            "shop",
            PodLabels.UID,
            "5f0c1a9e",
            "io.kubernetes.container.name",
            "nginx");

    assertThat(PodLabels.podOf(labels)).isEqualTo(new Pod("shop", "web-0", "5f0c1a9e"));
  }

  @Test
  void pod_isNullOutsideKubernetes_orWithoutNameAndNamespace() {
    assertThat(PodLabels.podOf(Map.of())).isNull();
    assertThat(PodLabels.podOf(Map.of(PodLabels.NAME, "web-0"))).isNull();
    assertThat(PodLabels.podOf(Map.of(PodLabels.NAMESPACE, "shop", PodLabels.NAME, ""))).isNull();
  }

  @Test
  void pod_withoutUidKeepsAnEmptyUid() {
    assertThat(PodLabels.podOf(Map.of(PodLabels.NAME, "web-0", PodLabels.NAMESPACE, "shop")))
        .isEqualTo(new Pod("shop", "web-0", ""));
  }

  /** cri-dockerd puts a pod's annotations on its sandbox (the pause container) as labels. */
  @Test
  void injectedPaths_fromTheWebhooksRecordOnTheSandbox_byContainerName() {
    EngineJson.Listed sandbox =
        listed(
            "sandbox1",
            Map.of(PodLabels.INJECTED, "{\"app\":[\"/proc/meminfo\",\"/proc/uptime\"]}"));
    EngineJson.Listed app =
        listed("app1", Map.of(PodLabels.SANDBOX, "sandbox1", PodLabels.CONTAINER, "app"));
    EngineJson.Listed other =
        listed("other1", Map.of(PodLabels.SANDBOX, "sandbox1", PodLabels.CONTAINER, "log"));

    var records = PodLabels.injected(List.of(sandbox, app, other));

    assertThat(PodLabels.injectedInto(records, app.labels()))
        .containsExactly("/proc/meminfo", "/proc/uptime");
    assertThat(PodLabels.injectedInto(records, other.labels())).isEmpty();
    assertThat(PodLabels.injectedInto(records, Map.of())).isEmpty();
  }

  private static EngineJson.Listed listed(String id, Map<String, String> labels) {
    return new EngineJson.Listed(id, List.of("/" + id), labels, List.of());
  }
}
