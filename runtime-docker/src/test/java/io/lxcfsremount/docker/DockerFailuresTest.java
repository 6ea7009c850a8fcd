package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class DockerFailuresTest {

  @Test
  void reason_isWhatTheSocketSaid_inLowerCase() {
    RuntimeException wrapped = new RuntimeException(new ConnectException("Connection refused"));

    assertThat(DockerFailures.reason(wrapped)).isEqualTo("connection refused");
  }

  @Test
  void reason_keepsAcronymsAndTakesTheFirstLine() {
    assertThat(DockerFailures.reason(new SocketException("EOF\nmore"))).isEqualTo("EOF");
  }

  @Test
  void reason_withoutMessageIsTheExceptionsName() {
    assertThat(DockerFailures.reason(new RuntimeException(new SocketException())))
        .isEqualTo("SocketException");
  }
}
