package io.lxcfsremount.docker;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.proc.ContainerInits;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.docker.testing.DockerFleet;
import io.lxcfsremount.docker.testing.TestContainer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DockerRuntime against the real dockerd: what it says about running, paused and stopped
 * containers.
 */
@RequiresReal(DOCKER)
class DockerRuntimeIT {
  private final DockerFleet fleet = new DockerFleet();
  private final DockerRuntime docker =
      DockerRuntime.open(DockerHost.DEFAULT, RuntimeCalls.CALL_DEADLINE);

  @AfterEach
  void cleanUp() {
    docker.close();
    fleet.close();
  }

  @Test
  void describe_namesTheEngineVersionAndSocket() throws Exception {
    String version = Programs.check("docker", "version", "--format", "{{.Server.Version}}").strip();

    assertThat(docker.describe())
        .isEqualTo("docker " + version + " at unix:///var/run/docker.sock");
  }

  @Test
  void runningContainers_runningAndPausedOnes_withPidNameIdAndPod() throws Exception {
    TestContainer plain = fleet.run("plain", List.of());
    TestContainer paused = fleet.run("paused", List.of());
    paused.pause();
    TestContainer inPod =
        fleet.run(
            "in-pod",
            List.of(
                "--label", "io.kubernetes.pod.name=web-0",
                "--label", "io.kubernetes.pod.namespace=shop",
                "--label", "io.kubernetes.pod.uid=5f0c1a9e-1b2c-4d3e-8f40-123456789abc"));
    TestContainer stopped = fleet.run("stopped", List.of());
    stopped.stopNow();

    Map<String, Container> byId =
        docker.runningContainers().stream()
            .collect(Collectors.toMap(Container::id, Function.identity()));

    assertThat(byId.get(plain.id()))
        .isEqualTo(new Container("docker", plain.id(), plain.name(), plain.pid(), null));
    assertThat(byId.get(paused.id()))
        .isEqualTo(new Container("docker", paused.id(), paused.name(), paused.pid(), null));
    assertThat(byId.get(inPod.id()))
        .isEqualTo(
            new Container(
                "docker",
                inPod.id(),
                inPod.name(),
                inPod.pid(),
                new Pod("shop", "web-0", "5f0c1a9e-1b2c-4d3e-8f40-123456789abc")));
    assertThat(byId).doesNotContainKey(stopped.id());
  }

  @Test
  void runningContainers_tellTheInit_ofContainersRunningSeveralProcesses_asRootAndAsAUser()
      throws Exception {
    List<String> severalProcesses =
        List.of("sh", "-c", "sleep 2147483647 & sleep 2147483647 & exec sleep 2147483647");
    TestContainer asRoot = fleet.run("several", List.of(), severalProcesses);
    TestContainer asUser = fleet.run("several-user", List.of("--user", "1000"), severalProcesses);
    for (TestContainer container : List.of(asRoot, asUser)) {
      Programs.check("docker", "exec", "-d", container.id(), "sleep", "2147483647");
      await(container.name() + " to run its init, two children and an exec")
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> container.exec("sh", "-c", "ls -d /proc/[0-9]*").stdout().lines().count() >= 5);
    }

    Map<String, Container> byId =
        docker.runningContainers().stream()
            .collect(Collectors.toMap(Container::id, Function.identity()));

    assertThat(byId.get(asRoot.id()).pid()).isEqualTo(asRoot.pid());
    assertThat(byId.get(asUser.id()).pid()).isEqualTo(asUser.pid());
    // Told by /proc, the Engine not asked about either.
    assertThat(new ContainerInits(ProcFs.host()).scan())
        .containsEntry(asRoot.id(), asRoot.pid())
        .containsEntry(asUser.id(), asUser.pid());
  }

  @Test
  void runningContainers_askTheEngine_forAContainerWhoseCgroupDoesNotNameIt() throws Exception {
    TestContainer unnamed = fleet.run("unnamed", List.of());
    unnamed.leaveItsCgroups();
    assertThat(new ContainerInits(ProcFs.host()).scan()).doesNotContainKey(unnamed.id());

    Map<String, Container> byId =
        docker.runningContainers().stream()
            .collect(Collectors.toMap(Container::id, Function.identity()));

    assertThat(byId.get(unnamed.id()).pid()).isEqualTo(unnamed.pid());
  }
}
