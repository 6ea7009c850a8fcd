package io.lxcfsremount.cri;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CriChannelTest {
  private static final CriEndpoint NOWHERE = CriEndpoint.parse("/nonexistent/cri.sock");

  private String before;

  @BeforeEach
  void saveTheSwitch() {
    before = System.getProperty(CriChannel.NETTY_JFR_EVENTS);
  }

  @AfterEach
  void restoreTheSwitch() {
    if (before == null) {
      System.clearProperty(CriChannel.NETTY_JFR_EVENTS);
    } else {
      System.setProperty(CriChannel.NETTY_JFR_EVENTS, before);
    }
  }

  @Test
  void open_turnsNettysJfrEventsOff() {
    System.clearProperty(CriChannel.NETTY_JFR_EVENTS);

    CriChannel.open(NOWHERE).close();

    assertThat(System.getProperty(CriChannel.NETTY_JFR_EVENTS)).isEqualTo("false");
  }

  @Test
  void open_leavesTheSwitchAsAnOperatorSetIt() {
    System.setProperty(CriChannel.NETTY_JFR_EVENTS, "true");

    CriChannel.open(NOWHERE).close();

    assertThat(System.getProperty(CriChannel.NETTY_JFR_EVENTS)).isEqualTo("true");
  }

  /** A renamed switch (another shading, another netty) would be set and read by no one. */
  @Test
  void theSwitch_isTheNameGrpcsShadedNettyReads() throws IOException {
    String platform = "io/grpc/netty/shaded/io/netty/util/internal/PlatformDependent.class";
    try (InputStream in = CriChannel.class.getClassLoader().getResourceAsStream(platform)) {
      assertThat(in).as(platform).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
          .contains(CriChannel.NETTY_JFR_EVENTS);
    }
  }
}
