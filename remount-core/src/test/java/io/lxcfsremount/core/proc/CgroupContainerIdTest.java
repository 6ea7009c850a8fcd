package io.lxcfsremount.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which container a /proc/PID/cgroup names, for the layouts of the runtimes and drivers. */
class CgroupContainerIdTest {
  private static final String ID =
      "b6f26f8636ac136ced9790722aadfad062398a7a3d5c4bd1edb07430b1ac6e4c";
  private static final String OTHER =
      "4a1c0d5b3e2f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef";

  @Test
  void dockerCgroupfs_cgroupV1_asCapturedHere() {
    String cgroup =
        """
        9:name=systemd:/docker/ID
        8:pids:/docker/ID
        7:blkio:/docker/ID
        6:freezer:/docker/ID
        5:devices:/docker/ID
        4:memory:/docker/ID
        3:cpuset:/docker/ID
        2:cpuacct:/docker/ID
        1:cpu:/docker/ID
        0::/docker/ID
        """
            .replace("ID", ID);

    assertThat(CgroupContainerId.parse(cgroup)).contains(ID);
  }

  @Test
  void dockerSystemd_cgroupV2() {
    assertThat(CgroupContainerId.parse("0::/system.slice/docker-" + ID + ".scope\n")).contains(ID);
  }

  @Test
  void dockerSystemd_cgroupV1_withHierarchiesTheRuntimeDoesNotManage() {
    String cgroup =
        """
        12:rdma:/
        11:memory:/system.slice/docker-ID.scope
        10:cpu,cpuacct:/system.slice/docker-ID.scope
        1:name=systemd:/system.slice/docker-ID.scope
        0::/
        """
            .replace("ID", ID);

    assertThat(CgroupContainerId.parse(cgroup)).contains(ID);
  }

  @Test
  void containerdAndCrio_underKubelet_bothDrivers() {
    assertThat(
            CgroupContainerId.parse(
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5f0c1a9e_1b2c"
                    + ".slice/cri-containerd-"
                    + ID
                    + ".scope\n"))
        .contains(ID);
    assertThat(
            CgroupContainerId.parse(
                "4:memory:/kubepods/besteffort/pod5f0c1a9e-1b2c-4d3e-8f40-123456789abc/" + ID))
        .contains(ID);
    assertThat(
            CgroupContainerId.parse(
                "0::/kubepods.slice/kubepods-pod5f0c.slice/crio-" + ID + ".scope\n"))
        .contains(ID);
    assertThat(CgroupContainerId.parse("0::/kubepods/pod5f0c/crio-" + ID + "\n")).contains(ID);
  }

  @Test
  void containerdWithoutACgroupParent_isItsNamespaceAndId() {
    assertThat(CgroupContainerId.parse("4:memory:/k8s.io/" + ID + "\n")).contains(ID);
  }

  @Test
  void podman() {
    assertThat(CgroupContainerId.parse("0::/machine.slice/libpod-" + ID + ".scope/container\n"))
        .contains(ID);
  }

  @Test
  void crioConmon_isNotTheContainer() {
    assertThat(
            CgroupContainerId.parse(
                "0::/kubepods.slice/kubepods-pod5f0c.slice/crio-conmon-" + ID + ".scope\n"))
        .isEmpty();
  }

  @Test
  void aCgroupTheContainerMadeBelowItsOwn_isStillTheContainers() {
    assertThat(CgroupContainerId.parse("0::/system.slice/docker-" + ID + ".scope/init.scope\n"))
        .contains(ID);
    assertThat(
            CgroupContainerId.parse(
                "1:name=systemd:/docker/"
                    + ID
                    + "/system.slice/cron.service\n4:memory:/docker/"
                    + ID))
        .contains(ID);
  }

  @Test
  void aContainerInsideAnother_isTheInnerOne() {
    assertThat(CgroupContainerId.parse("0::/docker/" + OTHER + "/docker/" + ID + "\n"))
        .contains(ID);
    assertThat(
            CgroupContainerId.parse(
                "0::/system.slice/docker-"
                    + OTHER
                    + ".scope/kubelet.slice/kubelet-kubepods.slice/cri-containerd-"
                    + ID
                    + ".scope\n"))
        .contains(ID);
  }

  @Test
  void pathsSeenFromAnotherCgroupNamespace_stillNameTheContainer() {
    assertThat(CgroupContainerId.parse("0::/../../docker-" + ID + ".scope\n")).contains(ID);
  }

  @Test
  void hostProcesses_nameNothing() {
    assertThat(CgroupContainerId.parse("9:name=systemd:/\n4:memory:/user.slice\n0::/\n")).isEmpty();
    assertThat(CgroupContainerId.parse("0::/system.slice/docker.service\n")).isEmpty();
    assertThat(CgroupContainerId.parse("")).isEmpty();
  }

  @Test
  void hierarchiesThatNameDifferentContainers_nameNone() {
    assertThat(CgroupContainerId.parse("4:memory:/docker/" + ID + "\n8:pids:/docker/" + OTHER))
        .isEmpty();
  }

  @Test
  void almostIds_areNot() {
    assertThat(CgroupContainerId.parse("0::/docker/" + ID.substring(1) + "\n")).isEmpty();
    assertThat(CgroupContainerId.parse("0::/docker/" + ID.toUpperCase() + "\n")).isEmpty();
    assertThat(CgroupContainerId.parse("0::/docker/" + ID + "x\n")).isEmpty();
  }

  @Test
  void aPathWithColons_isReadWhole() {
    assertThat(CgroupContainerId.parse("0::/odd:name/docker-" + ID + ".scope\n")).contains(ID);
  }
}
