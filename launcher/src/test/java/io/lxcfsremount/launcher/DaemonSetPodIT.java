package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DaemonSet's whole pod on the real dockerd ({@link DockerPod}): its lxcfs container, with its
 * start command, runs lxcfs and mounts it for the host through Bidirectional propagation, and its
 * remount container repairs Docker containers that use it, when the lxcfs container is stopped and
 * started again (a rollout), and when lxcfs is killed (SIGKILL leaves its mount behind, dead) and
 * the container started again, as a kubelet restarts it.
 *
 * <p>A private folder, made a shared mount as systemd makes a host's mounts, stands for the host's
 * /var/lib, and Docker's socket for the runtime socket. The remount container is limited to this
 * test's containers ({@code --container PID}).
 */
@RequiresReal({LXCFS, DOCKER})
class DaemonSetPodIT {
  @RegisterExtension static final LocalImage SIDECAR = LocalImage.sidecar();
  @RegisterExtension static final LocalImage LXCFS_IMAGE = LocalImage.lxcfs();

  private static final int PORT = 9477;

  private Path varLib;
  private DockerPod pod;
  private DockerContainer lxcfs;
  private final LimitedContainers containers = new LimitedContainers();
  private DockerContainer remount;

  @BeforeEach
  void start() throws Exception {
    varLib = Files.createTempDirectory("lxcfs-remount-var-lib").toRealPath();
    Programs.check("mount", "--bind", varLib.toString(), varLib.toString());
    Programs.check("mount", "--make-shared", varLib.toString());
    pod = DockerPod.onDocker(DeployManifests.daemonSet(), varLib);
    lxcfs = pod.start("lxcfs", LXCFS_IMAGE.name(), DockerPod.Changes.none());
    awaitLxcfs();
    containers.start(2, varLib.resolve("lxcfs"));
    // The mounts of the sidecar are made now, while lxcfs is mounted: it must see the next one
    // anyway.
    remount =
        pod.start(
            "remount",
            SIDECAR.name(),
            DockerPod.Changes.none()
                .withEnv(
                    "LXCFS_REMOUNT_LXCFS_DIR",
                    varLib + "/lxcfs") // its default, /var/lib/lxcfs, moved with /var/lib
                .withMoreArgs(containers.filterArguments()));
    Eventually.within(
        Duration.ofSeconds(30),
        "the sidecar is ready",
        () -> remount.get(PORT, "/readyz").isPresent(),
        remount::logs);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (remount != null) {
        remount.close();
      }
      containers.close();
      if (lxcfs != null) {
        lxcfs.close();
      }
    } finally {
      // Removing the lxcfs container kills lxcfs: its mount stays, dead, on the stand-in /var/lib.
      for (int i = 0; i < 5 && lxcfsMountsOnTheHost() > 0; i++) {
        Programs.run("umount", "-l", varLib + "/lxcfs");
      }
      Programs.run("umount", "-l", varLib.toString());
      try (Stream<Path> files = Files.walk(varLib)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  @Test
  void lxcfsContainerStoppedAndStartedAgain_theSidecarRepairsEveryContainer() throws Exception {
    Programs.check("docker", "restart", "--time", "10", lxcfs.id());
    awaitLxcfs();

    Eventually.within(
        Duration.ofSeconds(5), "every container repaired", containers::allLimited, remount::logs);
    assertThat(lxcfsMountsOnTheHost()).isEqualTo(1);
    assertThat(remount.logs()).contains("repair pass: 4 repaired in 2 of 2 containers");
  }

  @Test
  void
      lxcfsKilled_itsContainerStartedAgain_unmountsTheDeadLxcfs_andTheSidecarRepairsEveryContainer()
          throws Exception {
    Programs.check("docker", "kill", "--signal", "KILL", lxcfs.id());
    Eventually.within(
        Duration.ofSeconds(10), "the lxcfs container to stop", () -> !lxcfs.running());
    assertThat(lxcfsMountsOnTheHost()).as("the dead lxcfs mount left behind").isEqualTo(1);
    assertThat(containers.get(0).exec("head", "-1", "/proc/meminfo").stderr())
        .contains("Transport endpoint is not connected");
    Eventually.within(
        Duration.ofSeconds(5),
        "the sidecar not ready",
        () -> remount.get(PORT, "/readyz").isEmpty());

    Programs.check("docker", "start", lxcfs.id());
    awaitLxcfs();

    Eventually.within(
        Duration.ofSeconds(5), "every container repaired", containers::allLimited, remount::logs);
    assertThat(lxcfsMountsOnTheHost())
        .as("the dead mount unmounted, the new one alone")
        .isEqualTo(1);
    Eventually.within(
        Duration.ofSeconds(5),
        "ready again",
        () -> remount.get(PORT, "/readyz").isPresent(),
        remount::logs);
    assertThat(remount.logs()).contains("repair pass: 4 repaired in 2 of 2 containers");
  }

  /** Until the lxcfs of the lxcfs container answers on the host. */
  private void awaitLxcfs() throws Exception {
    Eventually.within(
        Duration.ofSeconds(20),
        "lxcfs mounted for the host",
        () -> {
          try {
            return Files.readString(varLib.resolve("lxcfs/proc/uptime")).length() > 0;
          } catch (java.io.IOException e) {
            return false;
          }
        },
        lxcfs::logs);
  }

  private long lxcfsMountsOnTheHost() throws Exception {
    return MountTable.read(Path.of("/proc/self/mountinfo")).mounts().stream()
        .filter(m -> m.fsType().equals("fuse.lxcfs") && m.mountPoint().equals(varLib + "/lxcfs"))
        .count();
  }
}
