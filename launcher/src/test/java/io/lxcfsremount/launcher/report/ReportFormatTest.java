package io.lxcfsremount.launcher.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table for people and the JSON document for machines, from one report. */
class ReportFormatTest {
  private static final Container WEB =
      new Container("docker", "3f4e5d6c7b8a", "web", 1234, new Pod("shop", "web-1", "uid-1"));
  private static final Container GONE =
      new Container("proc", "mnt:[4026532300]", "sleep", 77, null);
  private static final List<RuntimeDescription> RUNTIMES =
      List.of(new RuntimeDescription("docker", "docker 20.10.24 at unix:///var/run/docker.sock"));
  private static final ReconcileReport REPORT =
      new ReconcileReport(
          Lxcfs.healthy("/var/lib/lxcfs", new Device(0, 52), 7, Set.of()),
          List.of(
              ContainerReport.of(
                  Candidate.in(WEB, 1234, 4026532301L),
                  List.of(
                      new MountReport(
                          "/proc/meminfo",
                          "/proc/meminfo",
                          true,
                          MountState.REPAIRED,
                          Strategy.ATOMIC_SWAP,
                          null),
                      new MountReport(
                          "/proc/uptime",
                          "/proc/uptime",
                          false,
                          MountState.FAILED,
                          Strategy.ATOMIC_SWAP,
                          "move_mount /proc/uptime: EINVAL (Invalid argument)"))),
              ContainerReport.skipped(Candidate.exited(GONE, 77), "process exited")),
          List.of("cri: cannot reach CRI at unix:///run/containerd/containerd.sock"),
          Duration.ofMillis(12));

  @Test
  void table_showsARowPerMount_namedByPod_thenTheSummary() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TableReport.print(REPORT, RUNTIMES, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "lxcfs /var/lib/lxcfs: generation 0:52, healthy",
            "runtime docker: docker 20.10.24 at unix:///var/run/docker.sock",
            "RUNTIME  CONTAINER       PID   TARGET              RESULT    DETAIL",
            "docker   shop/web-1/web  1234  /proc/meminfo (ro)  repaired  atomic-swap",
            "                               /proc/uptime        failed    move_mount /proc/uptime: EINVAL (Invalid argument)",
            "proc     sleep           77    -                   skipped   process exited",
            "warning: cri: cannot reach CRI at unix:///run/containerd/containerd.sock",
            "1 repaired, 1 failed in 1 of 2 containers, 1 skipped (12 ms)");
  }

  @Test
  void json_hasLxcfsContainersWithMountsAndSummary() throws Exception {
    JsonNode json = new ObjectMapper().readTree(JsonReport.render(REPORT, RUNTIMES));

    assertThat(json.get("runtimes").get(0).get("describe").asText()).startsWith("docker 20.10.24");
    assertThat(json.get("lxcfs").get("generation").asText()).isEqualTo("0:52");
    JsonNode web = json.get("containers").get(0);
    assertThat(web.get("runtime").asText()).isEqualTo("docker");
    assertThat(web.get("id").asText()).isEqualTo("3f4e5d6c7b8a");
    assertThat(web.get("name").asText()).isEqualTo("web");
    assertThat(web.get("pid").asLong()).isEqualTo(1234);
    assertThat(web.get("pod").get("namespace").asText()).isEqualTo("shop");
    assertThat(web.get("mounts").get(0).get("state").asText()).isEqualTo("repaired");
    assertThat(web.get("mounts").get(0).get("strategy").asText()).isEqualTo("atomic-swap");
    assertThat(web.get("mounts").get(1).get("reason").asText()).contains("EINVAL");
    assertThat(json.get("containers").get(1).get("skipped").asText()).isEqualTo("process exited");
    assertThat(json.get("containers").get(1).has("pod")).isFalse();
    JsonNode summary = json.get("summary");
    assertThat(summary.get("repaired").asInt()).isEqualTo(1);
    assertThat(summary.get("failed").asInt()).isEqualTo(1);
    assertThat(summary.get("wouldRepair").asInt()).isZero();
    assertThat(summary.get("elapsedMillis").asLong()).isEqualTo(12);
    assertThat(json.get("warnings").get(0).asText()).startsWith("cri:");
  }
}
