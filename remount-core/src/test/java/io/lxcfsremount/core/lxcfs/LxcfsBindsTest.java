package io.lxcfsremount.core.lxcfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Container;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LxcfsBindsTest {
  private static final Lxcfs LXCFS =
      Lxcfs.healthy("/var/lib/lxcfs", new Device(0, 50), 7, Set.of());

  @Test
  void of_keepsTheBindsFromTheLxcfsFolder_normalized_andAddsTheWebhooksReadOnly() {
    Container container =
        container(
            List.of(
                new Bind("/var/lib/lxcfs/proc/../proc/meminfo", "/proc//meminfo", false),
                new Bind("/var/lib/lxcfs", "/var/lib/lxcfs", true),
                new Bind("/var/lib/lxcfsother/proc/stat", "/proc/stat", false),
                new Bind("/srv/data", "/data", false)),
            List.of("/proc/meminfo", "/proc/uptime", "relative/ignored"));

    assertThat(LxcfsBinds.of(container, LXCFS))
        .containsExactly(
            new Bind("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", false),
            new Bind("/var/lib/lxcfs", "/var/lib/lxcfs", true),
            new Bind("/var/lib/lxcfs/proc/uptime", "/proc/uptime", true));
  }

  @Test
  void missing_areTheBindsWithNothingAtTheirTarget_whateverTheContainerMountedThere() {
    List<Bind> binds =
        List.of(
            new Bind("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", false),
            new Bind("/var/lib/lxcfs/proc/uptime", "/proc/uptime", true),
            new Bind("/var/lib/lxcfs/proc/swaps", "/proc/swaps", false),
            new Bind("/var/lib/lxcfs", "/var/lib/lxcfs", true));
    MountTable table =
        MountTable.parse(
            """
            21 1 0:20 / / rw - overlay overlay rw
            22 21 0:21 / /proc rw - proc proc rw
            30 22 0:41 /proc/meminfo /proc/meminfo rw,relatime - fuse.lxcfs lxcfs rw
            36 22 0:22 / /proc/swaps rw - tmpfs tmpfs rw
            """,
            Lxcfs.MOUNTS.alsoAt(Set.of("/proc/swaps")));

    assertThat(LxcfsBinds.missing(binds, table, LXCFS))
        .containsExactly(
            new MissingMount("/proc/uptime", "/proc/uptime", true),
            new MissingMount("/var/lib/lxcfs", "/", true));
  }

  private static Container container(List<Bind> binds, List<String> injected) {
    return new Container("docker", "abc", "web", 42, null, binds, injected);
  }
}
