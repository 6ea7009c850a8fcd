package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.mount.MountTable;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The start-up warnings, on mount tables of sidecar containers as Docker made them. */
class PreflightTest {
  private static final String ROOT =
      "2905 2840 0:311 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X,upperdir=/u,workdir=/w\n";

  /** Given the folder that holds lxcfs, rslave (HostToContainer): both mounts are slaves. */
  private static final String GIVEN_THE_PARENT =
      ROOT
          + "132 2905 254:0 /var/lib /var/lib ro,relatime master:1 - ext4 /dev/vda rw\n"
          + "133 132 0:742 / /var/lib/lxcfs rw,nosuid,nodev,relatime master:64 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n";

  /** Given /var/lib/lxcfs itself while lxcfs was mounted there: a private copy on the container's root. */
  private static final String GIVEN_THE_LXCFS_MOUNT =
      ROOT
          + "2926 2905 0:705 / /var/lib/lxcfs rw,nosuid,nodev,relatime - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n";

  @Test
  void theFolderThatHoldsLxcfs_withPropagation_isFine_withLxcfsMountedOrNot() throws Exception {
    assertThat(Preflight.isolatedFolder(table(GIVEN_THE_PARENT), "/var/lib/lxcfs")).isEmpty();
    assertThat(Preflight.isolatedFolder(table(ROOT + "132 2905 254:0 /var/lib /var/lib ro master:1 - ext4 /dev/vda rw\n"), "/var/lib/lxcfs"))
        .isEmpty();
  }

  @Test
  void theLxcfsMountItself_isReported_withTheSettingThatFixesIt() throws Exception {
    assertThat(Preflight.isolatedFolder(table(GIVEN_THE_LXCFS_MOUNT), "/var/lib/lxcfs")).hasValueSatisfying(warning ->
        assertThat(warning)
            .startsWith("a restarted lxcfs will never show at /var/lib/lxcfs: it would be mounted on /, which receives no mounts")
            .contains("hostPath /var/lib with mountPropagation HostToContainer", "-v /var/lib:/var/lib:ro,rslave"));
  }

  @Test
  void aFolderOnAPrivateMount_withoutLxcfsYet_isReported() throws Exception {
    assertThat(Preflight.isolatedFolder(table(ROOT), "/var/lib/lxcfs")).isPresent();
  }

  @Test
  void aRefusedMountApi_onAKernelThatHasIt_blamesSeccomp() {
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "6.18.44-fc-v657")).hasValueSatisfying(warning ->
        assertThat(warning).startsWith("kernel 6.18.44-fc-v657 has the mount API, but open_tree or move_mount is refused")
            .contains("seccomp", "RuntimeDefault"));
    assertThat(Preflight.mountApiRefused(Strategy.ATOMIC_SWAP, "6.18.44")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "4.19.0-27-amd64")).isEmpty();
  }

  @Test
  void kernelReleases_compareByMajorAndMinor() {
    assertThat(Preflight.atLeast("5.2.0", 5, 2)).isTrue();
    assertThat(Preflight.atLeast("5.15.0-91-generic", 5, 2)).isTrue();
    assertThat(Preflight.atLeast("5.1.21", 5, 2)).isFalse();
    assertThat(Preflight.atLeast("weird", 5, 2)).isFalse();
  }

  private static MountTable table(String mountinfo) throws Exception {
    return MountTable.parse(new StringReader(mountinfo));
  }
}
