package io.lxcfsremount.cri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VerboseInfoTest {

  @Test
  void pid_isTheTopLevelPidOfTheInfoDocument() {
    // Shaped like containerd's: the spec also says "pid", as a namespace type, further down.
    String info =
        "{\"sandboxID\":\"5f1e\",\"pid\":31337,\"removing\":false,"
            + "\"runtimeSpec\":{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}}";

    assertThat(VerboseInfo.pid(Map.of("info", info))).hasValue(31337);
  }

  @Test
  void pid_isEmptyWhenTheRuntimeGivesNone() {
    assertThat(VerboseInfo.pid(Map.of())).isEmpty();
    assertThat(VerboseInfo.pid(Map.of("info", "{\"pid\":0}"))).isEmpty();
    assertThat(VerboseInfo.pid(Map.of("info", "{\"pid\":\"12\"}"))).isEmpty();
    assertThat(VerboseInfo.pid(Map.of("info", "not json"))).isEmpty();
  }
}
