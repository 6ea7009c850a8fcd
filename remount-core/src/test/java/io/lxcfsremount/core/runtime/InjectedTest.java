package io.lxcfsremount.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the webhook's record, as it writes it and as a hand or another tool may have left it. */
class InjectedTest {
  @Test
  void theRecord_givesThePathsOfEachContainer() {
    assertThat(
            Injected.read(
                "pod sandbox 1",
                "{\"app\":[\"/proc/cpuinfo\",\"/proc/meminfo\"],\"init-db\":[\"/proc/meminfo\"]}"))
        .isEqualTo(
            Map.of(
                "app", List.of("/proc/cpuinfo", "/proc/meminfo"),
                "init-db", List.of("/proc/meminfo")));
  }

  @Test
  void noRecord_orOneNotOfTheFormat_givesNothing() {
    assertThat(Injected.read("pod sandbox 1", null)).isEmpty();
    for (String bad :
        List.of(
            "",
            "true",
            "[\"/proc/meminfo\"]",
            "{\"app\":\"/proc/meminfo\"}",
            "{\"app\":[1]}",
            "{\"app\":[\"/proc/meminfo\"]} {}",
            "{\"app\":[")) {
      assertThat(Injected.read("pod sandbox 1", bad)).as(bad).isEmpty();
    }
  }
}
