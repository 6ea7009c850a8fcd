package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerHostTest {

  @Test
  void parse_unixSocket() {
    DockerHost host = DockerHost.parse("unix:///run/docker.sock");

    assertThat(host.isUnixSocket()).isTrue();
    assertThat(host.socketPath()).isEqualTo("/run/docker.sock");
    assertThat(host).hasToString("unix:///run/docker.sock");
  }

  @Test
  void parse_tcp() {
    DockerHost host = DockerHost.parse("tcp://127.0.0.1:2375");

    assertThat(host.isUnixSocket()).isFalse();
    assertThat(host).hasToString("tcp://127.0.0.1:2375");
  }

  @Test
  void default_isTheUsualSocket() {
    assertThat(DockerHost.DEFAULT.socketPath()).isEqualTo("/var/run/docker.sock");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "docker.sock",
        "/var/run/docker.sock",
        "unix://",
        "unix:///",
        "http://x:1",
        "tcp://host",
        "unix:// bad"
      })
  void parse_refusesWhatIsNotADockerHost_namingIt(String value) {
    assertThatThrownBy(() -> DockerHost.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + value + "' is not a Docker host")
        .hasMessageContaining("unix:///path/to/docker.sock");
  }
}
