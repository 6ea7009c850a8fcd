package io.lxcfsremount.core.mount;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountFlags.AccessTime;
import org.junit.jupiter.api.Test;

class MountFlagsTest {

  @Test
  void of_readsTheFlagsARebindMustKeep() {
    MountInfo mount =
        MountInfo.parse(
            "1 0 0:41 /proc/meminfo /proc/meminfo ro,nosuid,nodev,noexec,noatime,nodiratime - fuse.lxcfs lxcfs rw");

    assertThat(MountFlags.of(mount))
        .isEqualTo(new MountFlags(true, true, true, true, AccessTime.NOATIME, true));
  }

  @Test
  void of_readsDockersReadOnlyBind() {
    MountInfo mount =
        MountInfo.parse(
            "106 90 0:41 /proc/meminfo /proc/meminfo ro,relatime - fuse.lxcfs lxcfs rw");

    assertThat(MountFlags.of(mount))
        .isEqualTo(new MountFlags(true, false, false, false, AccessTime.RELATIME, false));
  }

  @Test
  void of_takesAMountWithoutAnAtimeOptionAsStrict() {
    MountInfo mount = MountInfo.parse("1 0 0:41 / /x rw - fuse.lxcfs lxcfs rw");

    assertThat(MountFlags.of(mount).accessTime()).isEqualTo(AccessTime.STRICTATIME);
    assertThat(MountFlags.of(mount).readOnly()).isFalse();
  }
}
