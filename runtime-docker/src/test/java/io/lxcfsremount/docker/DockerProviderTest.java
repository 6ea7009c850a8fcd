package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which Docker a pass asks under {@code --runtime auto}, and how it is named. */
class DockerProviderTest {

  @Test
  void aHostTheUserNamed_isAsked_evenWithoutItsSocket_soThatItIsNamed() {
    DockerProvider named = DockerProvider.at("unix:///nonexistent/docker.sock");

    assertThat(named.applicable()).isTrue();
    assertThat(named.describe()).isEqualTo("Docker at unix:///nonexistent/docker.sock");
  }

  @Test
  void aTcpHost_isAsked() {
    assertThat(DockerProvider.at("tcp://127.0.0.1:2375").applicable()).isTrue();
  }

  @Test
  void aMalformedHost_isRefused_namingIt() {
    assertThatThrownBy(() -> DockerProvider.at("docker.sock"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'docker.sock' is not a Docker host");
  }
}
