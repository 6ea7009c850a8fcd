package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.CRI;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.cri.CriPods;
import io.lxcfsremount.cri.CriPods.FileMount;
import io.lxcfsremount.cri.CriPods.TestPod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image, run as the DaemonSet runs its remount container, on a Kubernetes node's runtime: a
 * real containerd with CRI, whose socket the manifest mounts read-only at containerd's standard
 * path, where {@code --runtime auto} finds it. gRPC over that socket needs netty's epoll library,
 * which the image carries unpacked: nothing may be written anywhere (read-only root, no writable
 * volume).
 *
 * <p>The sidecar is limited to the test's pod ({@code --container namespace/pod}, which only a CRI
 * runtime can match) and pointed at the test's lxcfs folder, which it cannot see (it mounts nothing
 * of the host but the socket); Docker runs it, as in {@link SidecarImageIT}.
 */
@RequiresReal({LXCFS, DOCKER, CRI})
class SidecarImageCriIT {
  @RegisterExtension static final LocalImage IMAGE = LocalImage.sidecar();

  private static final int PORT = 9477;

  private LxcfsProcess lxcfs;
  private CriPods pods;
  private TestPod pod;
  private String app;
  private DockerContainer sidecar;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    pods = CriPods.connect();
    pod = pods.runPod("web");
    app =
        pods.startContainer(
            pod, "app", new FileMount(lxcfs.file("proc/meminfo"), "/proc/meminfo", false));
  }

  @AfterEach
  void stop() throws Exception {
    try (LxcfsProcess l = lxcfs;
        CriPods p = pods) {
      if (sidecar != null) {
        sidecar.close();
      }
    }
  }

  @Test
  void lxcfsRestarted_theSidecarRepairsThePodsContainer_foundThroughTheReadOnlyCriSocket()
      throws Exception {
    String socket = Path.of(pods.endpoint().uri().replaceFirst("^unix://", "")).toString();
    DockerPod daemonSetPod =
        new DockerPod(
            DeployManifests.daemonSet(),
            Map.of("/run/containerd/containerd.sock", socket),
            Map.of());
    sidecar =
        daemonSetPod.start(
            "remount",
            IMAGE.name(),
            DockerPod.Changes.none()
                .withEnv("LXCFS_REMOUNT_LXCFS_DIR", lxcfs.dir().toString())
                .withMoreArgs(List.of("--container", pod.toString())));
    Eventually.within(
        Duration.ofSeconds(30),
        "the sidecar is ready",
        () -> sidecar.get(PORT, "/readyz").isPresent(),
        sidecar::logs);

    lxcfs.restart();

    Eventually.within(
        Duration.ofSeconds(5),
        "the pod's container repaired",
        () -> pods.meminfo(app).stdout().startsWith(LIMITED_MEMINFO),
        sidecar::logs);
    Eventually.within(
        Duration.ofSeconds(5),
        "the pass logged",
        () -> sidecar.logs().contains("repair pass: 1 repaired"),
        sidecar::logs);
    assertThat(sidecar.logs())
        .contains(
            "repair pass: 1 healthy in 1 of 1 containers",
            "repair pass: 1 repaired in 1 of 1 containers")
        .doesNotContain("\tat ", "UnsatisfiedLinkError");
  }
}
