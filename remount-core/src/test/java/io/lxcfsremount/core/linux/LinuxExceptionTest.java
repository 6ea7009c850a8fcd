package io.lxcfsremount.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinuxExceptionTest {

  @Test
  void message_namesTheCallThePathAndTheErrno() {
    LinuxException e = new LinuxException("open_tree", "/var/lib/lxcfs/proc/meminfo", 107);

    assertThat(e.getMessage())
        .isEqualTo(
            "open_tree /var/lib/lxcfs/proc/meminfo: ENOTCONN (Transport endpoint is not connected)");
    assertThat(e.errnoName()).isEqualTo("ENOTCONN");
    assertThat(e.operation()).isEqualTo("open_tree");
  }

  @Test
  void message_withoutAPath_orWithAnUnknownErrno() {
    assertThat(new LinuxException("setns", "", 1).getMessage())
        .isEqualTo("setns: EPERM (Operation not permitted)");
    assertThat(new LinuxException("poll", "", 4095).getMessage()).isEqualTo("poll: errno 4095");
  }
}
