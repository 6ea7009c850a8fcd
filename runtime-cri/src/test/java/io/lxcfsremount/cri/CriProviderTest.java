package io.lxcfsremount.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lxcfsremount.core.runtime.RuntimeProvider;
import org.junit.jupiter.api.Test;

/** Which CRI runtimes a pass may ask, from {@code --cri-endpoint}. */
class CriProviderTest {

  @Test
  void withoutAnEndpoint_theStandardSockets_inOrder() {
    assertThat(CriProvider.at(null))
        .extracting(RuntimeProvider::describe)
        .containsExactly(
            "CRI at unix:///run/containerd/containerd.sock",
            "CRI at unix:///var/run/crio/crio.sock",
            "CRI at unix:///var/run/cri-dockerd.sock");
  }

  @Test
  void anEmptyEndpoint_countsAsNone() {
    assertThat(CriProvider.at(" ")).hasSize(CriEndpoint.STANDARD.size());
  }

  @Test
  void anEndpointGiven_isAsked_evenWithoutItsSocket_soThatItIsNamed() {
    assertThat(CriProvider.at("/nonexistent.sock"))
        .singleElement()
        .satisfies(
            given -> {
              assertThat(given.applicable()).isTrue();
              assertThat(given.describe()).isEqualTo("CRI at unix:///nonexistent.sock");
            });
  }

  @Test
  void anEndpointThatIsNoUnixSocket_isRefused_namingIt() {
    assertThatThrownBy(() -> CriProvider.at("tcp://127.0.0.1:10010"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "CRI endpoint tcp://127.0.0.1:10010 is not a unix socket (unix:///path/to/socket)");
  }
}
