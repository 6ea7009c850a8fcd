package io.lxcfsremount.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CriEndpointTest {

  @Test
  void parse_takesUnixUrisAndAbsolutePaths() {
    assertThat(CriEndpoint.parse("unix:///run/containerd/containerd.sock"))
        .isEqualTo(
            new CriEndpoint(
                "unix:///run/containerd/containerd.sock",
                Path.of("/run/containerd/containerd.sock")));
    assertThat(CriEndpoint.parse("/var/run/crio/crio.sock"))
        .hasToString("unix:///var/run/crio/crio.sock");
  }

  @Test
  void parse_refusesWhatIsNotAUnixSocket() {
    assertThatThrownBy(() -> CriEndpoint.parse("tcp://127.0.0.1:10010"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "CRI endpoint tcp://127.0.0.1:10010 is not a unix socket (unix:///path/to/socket)");
    assertThatThrownBy(() -> CriEndpoint.parse("unix://relative.sock"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void standard_areContainerdCrioAndCriDockerd() {
    assertThat(CriEndpoint.STANDARD)
        .extracting(CriEndpoint::uri)
        .containsExactly(
            "unix:///run/containerd/containerd.sock",
            "unix:///var/run/crio/crio.sock",
            "unix:///var/run/cri-dockerd.sock");
  }
}
