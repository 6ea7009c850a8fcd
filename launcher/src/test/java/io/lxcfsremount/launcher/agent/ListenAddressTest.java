package io.lxcfsremount.launcher.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ListenAddressTest {
  private final ListenAddress converter = new ListenAddress();

  @Test
  void convert_readsAHostOrAnIpAndAPort() {
    assertThat(converter.convert("127.0.0.1:9477"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 9477));
    assertThat(converter.convert("[::1]:0")).isEqualTo(new InetSocketAddress("::1", 0));
    assertThat(converter.convert(":8443")).isEqualTo(new InetSocketAddress(8443));
    assertThat(ListenAddress.text(converter.convert("0.0.0.0:9477"))).isEqualTo("0.0.0.0:9477");
  }

  @Test
  void convert_rejectsAnythingElseWithTheExpectedForm() {
    assertThatThrownBy(() -> converter.convert("localhost"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'localhost' is not HOST:PORT (expected e.g. 127.0.0.1:9477)");
    assertThatThrownBy(() -> converter.convert("127.0.0.1:70000"))
        .isInstanceOf(TypeConversionException.class);
  }
}
