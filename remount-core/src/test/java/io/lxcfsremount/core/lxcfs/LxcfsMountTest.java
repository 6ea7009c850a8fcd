package io.lxcfsremount.core.lxcfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFilter;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class LxcfsMountTest {
  private static final Device LIVE = new Device(0, 50);
  private static final Device OTHER_INSTANCE = new Device(0, 60);
  private static final String CONTAINER =
      """
      21 1 0:20 / / rw - overlay overlay rw
      22 21 0:21 / /proc rw - proc proc rw
      30 22 0:41 /proc/meminfo /proc/meminfo ro,relatime - fuse.lxcfs lxcfs rw
      31 22 0:50 /proc/uptime /proc/uptime rw,relatime - fuse.lxcfs lxcfs rw
      32 21 0:41 /sys/devices/system/cpu/online /sys/devices/system/cpu/online rw - fuse.lxcfs lxcfs rw
      33 21 0:41 / /var/lib/lxcfs rw - fuse.lxcfs lxcfs rw
      34 33 0:50 / /var/lib/lxcfs rw - fuse.lxcfs lxcfs rw
      35 22 0:60 /proc/stat /proc/stat rw - fuse.lxcfs lxcfs rw
      36 22 0:22 / /proc/swaps rw - tmpfs tmpfs rw
      37 22 0:41 /proc/loadavg /proc/loadavg rw - fuse.lxcfs lxcfs rw
      38 37 0:22 /null /proc/loadavg rw - tmpfs tmpfs rw
      """;

  /** 0:41 is an lxcfs whose connection is dead. */
  private static final Predicate<MountInfo> DEAD_41 = m -> m.device().equals(new Device(0, 41));

  private final Lxcfs healthy = Lxcfs.healthy("/var/lib/lxcfs", LIVE, 7, Set.of(OTHER_INSTANCE));

  @Test
  void in_findsTheVisibleLxcfsMountsAndWhichAreStale() throws Exception {
    assertThat(LxcfsMount.in(table(), healthy, DEAD_41))
        .extracting(m -> m.target() + " " + m.file() + " " + (m.stale() ? "stale" : "healthy"))
        .containsExactly(
            "/proc/meminfo /proc/meminfo stale",
            "/proc/uptime /proc/uptime healthy",
            "/sys/devices/system/cpu/online /sys/devices/system/cpu/online stale",
            "/var/lib/lxcfs / healthy");
  }

  @Test
  void in_leavesOutMountsOfOtherLxcfsInstancesAndNonLxcfsMountsOnTop() throws Exception {
    assertThat(LxcfsMount.in(table(), healthy, DEAD_41))
        .extracting(LxcfsMount::target)
        .doesNotContain("/proc/stat", "/proc/swaps", "/proc/loadavg");
  }

  @Test
  void in_takesEveryMountAsStaleWhileLxcfsIsDead() throws Exception {
    Lxcfs dead = Lxcfs.failing("/var/lib/lxcfs", LIVE, "stat /var/lib/lxcfs: ENOTCONN", Set.of());

    assertThat(LxcfsMount.in(table(), dead, DEAD_41)).allMatch(LxcfsMount::stale);
  }

  @Test
  void in_leavesOutTheLiveMountsOfAnInstanceTheAgentCannotSee() throws Exception {
    assertThat(LxcfsMount.in(table(), healthy, m -> false))
        .extracting(LxcfsMount::target)
        .containsExactly("/proc/uptime", "/var/lib/lxcfs");
  }

  @Test
  void liveFolder_isWhereTheLiveFolderIsVisible() throws Exception {
    assertThat(LxcfsMount.liveFolder(table(), healthy)).contains("/var/lib/lxcfs");
    assertThat(LxcfsMount.liveFolder(table(), Lxcfs.healthy("/x", new Device(0, 99), 8, Set.of())))
        .isEmpty();
  }

  @Test
  void pathOf_mapsAMountRootToTheAgentsLxcfsFolder() {
    assertThat(healthy.pathOf("/proc/meminfo")).isEqualTo("/var/lib/lxcfs/proc/meminfo");
    assertThat(healthy.pathOf("/")).isEqualTo("/var/lib/lxcfs");
  }

  private static MountTable table() throws Exception {
    return MountTable.parse(CONTAINER, MountFilter.ALL);
  }
}
