package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image of deploy/Dockerfile, run on the real dockerd exactly as deploy/kubernetes runs the
 * remount container ({@link DockerPod}: host PID namespace, those three capabilities and no other,
 * not privileged, the runtime's default seccomp profile, a read-only root, no folder of the host,
 * the runtime socket read-only, its memory and CPU limits), next to Docker containers that use a
 * real lxcfs of the test's own, which the test restarts on the host: the agent, which cannot see
 * the lxcfs folder at all, finds lxcfs through its process.
 *
 * <p>A private folder stands for the host's /var/lib, and Docker's socket for the runtime socket
 * (this is a Docker host). The machine is shared with other tests, so the agent gets {@code
 * --container PID} for each of this test's containers, and is pointed at the test's lxcfs folder
 * (its environment).
 */
@RequiresReal({LXCFS, DOCKER})
class SidecarImageIT {
  @RegisterExtension static final LocalImage IMAGE = LocalImage.sidecar();

  private static final int PORT = 9477;
  private static final BigInteger SYS_ADMIN_SYS_CHROOT_SYS_PTRACE =
      BigInteger.ZERO.setBit(21).setBit(18).setBit(19);

  /**
   * What a runtime whose default profile predates the mount API does: open_tree & co. fail EPERM.
   */
  private static final String NO_MOUNT_API_PROFILE =
      """
      {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO",
        "names": ["open_tree", "move_mount", "mount_setattr", "fsopen", "fsconfig", "fsmount", "fspick"]}]}
      """;

  private LxcfsProcess lxcfs;
  private Path varLib;
  private final LimitedContainers containers = new LimitedContainers();
  private DockerContainer sidecar;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    varLib = lxcfs.dir().getParent();
    containers.start(2, lxcfs.dir());
  }

  @AfterEach
  void stop() throws Exception {
    try (LxcfsProcess l = lxcfs) {
      if (sidecar != null) {
        sidecar.close();
      }
      containers.close();
    }
  }

  @Test
  void lxcfsRestartedOnTheHost_theSidecarRepairsEveryContainer() throws Exception {
    sidecar = startSidecar(DeployManifests.daemonSet(), DockerPod.Changes.none());
    awaitReady();
    List<Long> mountsBefore = lxcfsMountCounts();

    lxcfs.restart();

    Eventually.within(
        Duration.ofSeconds(5), "every container repaired", containers::allLimited, sidecar::logs);
    assertThat(lxcfsMountCounts()).isEqualTo(mountsBefore);
    for (DockerContainer container : containers) {
      MountInfo cpuinfo = container.mountTable().topAt("/proc/cpuinfo").orElseThrow();
      assertThat(cpuinfo.device()).isEqualTo(lxcfs.generation());
      assertThat(cpuinfo.hasOption("ro")).isTrue();
    }
    Eventually.within(
        Duration.ofSeconds(5), "ready again", () -> sidecar.get(PORT, "/readyz").isPresent());
    assertThat(sidecar.get(PORT, "/healthz")).hasValue("ok\n");
    assertThat(sidecar.get(PORT, "/metrics").orElseThrow())
        .contains(
            "lxcfs_remount_repairs_total{result=\"repaired\"} 4.0", "lxcfs_remount_lxcfs_up 1.0");
    assertThat(sidecar.logs())
        .contains("repair pass: 4 repaired in 2 of 2 containers")
        .doesNotContain("WARN", "Exception");
  }

  @Test
  void theSidecar_holdsExactlyTheThreeCapabilities_underDockersSeccompFilter_onAReadOnlyRoot()
      throws Exception {
    sidecar = startSidecar(DeployManifests.daemonSet(), DockerPod.Changes.none());
    awaitReady();

    assertThat(new BigInteger(sidecar.status("CapEff"), 16))
        .isEqualTo(SYS_ADMIN_SYS_CHROOT_SYS_PTRACE);
    assertThat(new BigInteger(sidecar.status("CapBnd"), 16))
        .isEqualTo(SYS_ADMIN_SYS_CHROOT_SYS_PTRACE);
    assertThat(sidecar.status("Seccomp")).isEqualTo("2");
    assertThat(
            sidecar.inspect(
                "{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.PidMode}}"))
        .isEqualTo("false true host");
    assertThat(sidecar.mountTable().mounts())
        .noneMatch(m -> m.fsType().equals("fuse.lxcfs"))
        .noneMatch(m -> m.mountPoint().startsWith(varLib.toString()));
  }

  @Test
  void aRepairPassInTheImage_underDockersDefaultSeccompProfile_swapsAtomically() throws Exception {
    lxcfs.restart();

    try (DockerContainer repair =
        startSidecar(
            DeployManifests.daemonSet(),
            DockerPod.Changes.none().withArgs(args -> List.of("repair")))) {
      assertThat(repair.await()).as(repair.logs()).isZero();
      assertThat(repair.logs())
          .containsPattern("/proc/meminfo +repaired +atomic-swap")
          .containsPattern("/proc/cpuinfo \\(ro\\) +repaired +atomic-swap")
          .contains("4 repaired in 2 of 2 containers");
    }
    assertThat(containers.allLimited()).isTrue();
  }

  @Test
  void aSeccompProfileThatRefusesTheMountApi_isNamedAtStart_andTheRepairsFailWithTheReason()
      throws Exception {
    Path profile =
        Files.writeString(Files.createTempFile("no-mount-api", ".json"), NO_MOUNT_API_PROFILE);
    try {
      sidecar =
          startSidecar(
              DeployManifests.daemonSet(),
              DockerPod.Changes.none().withDockerOptions("--security-opt", "seccomp=" + profile));
      Eventually.within(
          Duration.ofSeconds(30),
          "the first pass",
          () -> sidecar.logs().contains("repair pass"),
          sidecar::logs);

      lxcfs.restart();

      Eventually.within(
          Duration.ofSeconds(5),
          "a failed pass, and why each mount failed",
          () -> sidecar.logs().contains("/proc/meminfo: not repairable"),
          sidecar::logs);
      assertThat(sidecar.logs())
          .contains(
              "has the mount API, but open_tree, move_mount or mount_setattr is refused here",
              "seccompProfile RuntimeDefault")
          .contains("/proc/meminfo: not repairable: the mount API is not available");
      assertThat(sidecar.get(PORT, "/readyz")).isEmpty();
    } finally {
      Files.delete(profile);
    }
  }

  /**
   * The remount container of {@code daemonSet}, as this machine runs it (see the class comment).
   */
  private DockerContainer startSidecar(DaemonSet daemonSet, DockerPod.Changes changes) {
    DockerPod pod = DockerPod.onDocker(daemonSet, varLib);
    return pod.start(
        "remount",
        IMAGE.name(),
        changes
            .withEnv("LXCFS_REMOUNT_LXCFS_DIR", lxcfs.dir().toString())
            .withMoreArgs(containers.filterArguments()));
  }

  private void awaitReady() throws Exception {
    Eventually.within(
        Duration.ofSeconds(30),
        "the sidecar is ready",
        () -> sidecar.get(PORT, "/readyz").isPresent(),
        sidecar::logs);
  }

  private List<Long> lxcfsMountCounts() throws Exception {
    List<Long> counts = new ArrayList<>();
    for (DockerContainer container : containers) {
      counts.add(lxcfs.mountsIn(container.mountTable()));
    }
    return counts;
  }
}
