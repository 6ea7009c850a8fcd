package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lxcfsremount.core.runtime.Bind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Engine API answers the agent reads, as dockerd 20.10.24 (API 1.41) gave them here. */
class EngineJsonTest {

  @Test
  void containers_carryIdNamesAndLabels() throws IOException {
    List<EngineJson.Listed> listed = EngineJson.containers(fixture("containers.json"));

    assertThat(listed).hasSize(1);
    EngineJson.Listed container = listed.get(0);
    assertThat(container.id())
        .isEqualTo("ca08ef4cb768afa869e61b7d3606e7a0bbc3d7280ff5fc6b93eb96c43ce521ed");
    assertThat(container.names()).containsExactly("/lxcfs-remount-fixture");
    assertThat(container.labels())
        .containsEntry("io.kubernetes.pod.name", "web-0")
        .containsEntry("io.kubernetes.pod.namespace", "shop")
        .containsEntry("io.kubernetes.pod.uid", "5f0c1a9e-1b2c-4d3e-8f40-123456789abc");
  }

  @Test
  void containers_toleratesNullLabelsAndAnEmptyList() throws IOException {
    assertThat(EngineJson.containers(bytes("[]"))).isEmpty();
    List<EngineJson.Listed> listed =
        EngineJson.containers(
            bytes("[{\"Id\":\"abc\",\"Names\":null,\"Labels\":null,\"Extra\":{\"a\":[1]}}]"));
    assertThat(listed)
        .containsExactly(new EngineJson.Listed("abc", List.of(), java.util.Map.of(), List.of()));
  }

  @Test
  void containers_refusesSomethingThatIsNotAList() {
    assertThatThrownBy(() -> EngineJson.containers(bytes("{\"message\":\"page not found\"}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected [");
  }

  @Test
  void pid_ofARunningContainerIsItsInit() throws IOException {
    assertThat(EngineJson.inspectedPid(fixture("inspect-running.json"))).isEqualTo(4295);
  }

  @Test
  void pid_ofAPausedContainerIsItsInit_forAPausedContainerStillRuns() throws IOException {
    assertThat(EngineJson.inspectedPid(fixture("inspect-paused.json"))).isEqualTo(4295);
  }

  @Test
  void pid_ofAStoppedContainerIsZero() throws IOException {
    assertThat(EngineJson.inspectedPid(fixture("inspect-exited.json"))).isZero();
  }

  @Test
  void binds_areTheHostPathsBoundIn_withTheirAccess_volumesLeftOut() throws IOException {
    assertThat(EngineJson.containers(fixture("containers-with-mounts.json")))
        .singleElement()
        .extracting(EngineJson.Listed::binds)
        .isEqualTo(
            List.of(
                new Bind("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", true),
                new Bind("/var/lib/lxcfs/proc/uptime", "/proc/uptime", false)));
    assertThat(EngineJson.containers(fixture("containers.json")).get(0).binds()).isEmpty();
  }

  @Test
  void message_ofAnEngineError() {
    assertThat(EngineJson.message(fixture("error-no-such-container.json")))
        .isEqualTo("No such container: nonexistent");
    assertThat(EngineJson.message(bytes("plain text\n"))).isEqualTo("plain text");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] fixture(String name) {
    try (InputStream in = EngineJsonTest.class.getResourceAsStream("/engine-api/" + name)) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + name, e);
    }
  }
}
