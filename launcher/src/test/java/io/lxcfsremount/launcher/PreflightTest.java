package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.mount.MountTable;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The start-up warnings, on mount tables of sidecar containers as Docker made them. */
class PreflightTest {
  /** The host, as lxcfs sees it: /var/lib is shared (systemd), lxcfs mounted on it. */
  private static final String HOST =
      "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
          + "45 27 0:41 / /var/lib/lxcfs rw,nosuid,nodev,relatime shared:3 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n";

  /**
   * A container's root: Docker makes it a slave of the container's own overlay mount (master:4)
   * when a volume asks for slave propagation, which receives nothing from the host's other mounts.
   */
  private static final String ROOT =
      "93 53 0:42 / / ro,relatime master:4 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n";

  /** Given the host's /var/lib with HostToContainer (rslave): a slave of the host's root. */
  private static final String GIVEN_THE_PARENT =
      ROOT
          + "132 93 254:0 /var/lib /var/lib ro,relatime master:1 - ext4 /dev/vda rw\n"
          + "133 132 0:41 / /var/lib/lxcfs rw,nosuid,nodev,relatime master:3 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n";

  /**
   * Given /var/lib/lxcfs itself while lxcfs was mounted there: a copy of that lxcfs mount, on the
   * root.
   */
  private static final String GIVEN_THE_LXCFS_MOUNT =
      ROOT
          + "113 93 0:41 / /var/lib/lxcfs ro,relatime master:3 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n";

  @Test
  void theFolderThatHoldsLxcfs_withPropagationFromTheHost_isFine_withLxcfsMountedOrNot()
      throws Exception {
    assertThat(Preflight.isolatedFolder(table(GIVEN_THE_PARENT), table(HOST), "/var/lib/lxcfs"))
        .isEmpty();
    assertThat(
            Preflight.isolatedFolder(
                table(ROOT + "132 93 254:0 /var/lib /var/lib ro master:1 - ext4 /dev/vda rw\n"),
                table("27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"),
                "/var/lib/lxcfs"))
        .isEmpty();
  }

  @Test
  void theLxcfsMountItself_isReported_withTheSettingThatFixesIt() throws Exception {
    assertThat(
            Preflight.isolatedFolder(table(GIVEN_THE_LXCFS_MOUNT), table(HOST), "/var/lib/lxcfs"))
        .hasValueSatisfying(
            warning ->
                assertThat(warning)
                    .startsWith(
                        "a restarted lxcfs will never show at /var/lib/lxcfs: lxcfs mounts it on / (peer group 1),"
                            + " from which the mount that holds it here (/) receives nothing")
                    .contains(
                        "hostPath /var/lib with mountPropagation HostToContainer",
                        "-v /var/lib:/var/lib:ro,rslave"));
  }

  @Test
  void aHostWhoseMountsAreNotShared_isReported() throws Exception {
    String privateHost = HOST.replace(" shared:1 ", " ");

    assertThat(
            Preflight.isolatedFolder(table(GIVEN_THE_PARENT), table(privateHost), "/var/lib/lxcfs"))
        .hasValueSatisfying(
            warning -> assertThat(warning).contains("lxcfs mounts it on / (a private mount)"));
  }

  @Test
  void aRefusedMountApi_onAKernelThatHasIt_blamesSeccomp() {
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "6.18.44-fc-v657"))
        .hasValueSatisfying(
            warning ->
                assertThat(warning)
                    .startsWith(
                        "kernel 6.18.44-fc-v657 has the mount API, but open_tree, move_mount or"
                            + " mount_setattr is refused")
                    .contains("seccomp", "RuntimeDefault"));
    assertThat(Preflight.mountApiRefused(Strategy.ATOMIC_SWAP, "6.18.44")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "4.19.0-27-amd64")).isEmpty();
  }

  @Test
  void aKernelWithoutMountSetattr_usesTheClassicStrategyWithoutBlamingAnything() {
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.10.0-26-amd64")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.11.22")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.12.0")).isPresent();
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
