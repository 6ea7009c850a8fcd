package io.lxcfsremount.launcher.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private static final Device GENERATION = new Device(0, 52);
  private final Readiness readiness = new Readiness();

  @Test
  void aWedgedLxcfs_isNotReady_andSaysItDoesNotAnswer() {
    readiness.lxcfsObserved(
        Optional.of(
            Lxcfs.notAnswering(
                "/var/lib/lxcfs",
                GENERATION,
                "statx /var/lib/lxcfs/proc/meminfo: no answer within 3 s",
                Set.of())));

    assertThat(readiness.whyNotReady())
        .hasValue(
            "lxcfs is not answering: statx /var/lib/lxcfs/proc/meminfo: no answer within 3 s");
  }

  @Test
  void aDeadLxcfs_isNotReady_andSaysWhy() {
    readiness.lxcfsObserved(
        Optional.of(
            Lxcfs.failing(
                "/var/lib/lxcfs",
                GENERATION,
                "statx /var/lib/lxcfs/proc/meminfo: ENOTCONN",
                Set.of())));

    assertThat(readiness.whyNotReady())
        .hasValue("lxcfs is not healthy: statx /var/lib/lxcfs/proc/meminfo: ENOTCONN");
  }
}
