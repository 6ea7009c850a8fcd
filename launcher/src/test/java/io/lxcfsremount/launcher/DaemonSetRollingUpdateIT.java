package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountInfo;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling update of the DaemonSet as its update strategy runs it (maxSurge 1, maxUnavailable 0),
 * on the real dockerd ({@link DockerPod}): pod v1 (lxcfs and remount containers) serves ten
 * containers; pod v2 starts next to it, and once it is ready (its lxcfs's startup probe, run as the
 * kubelet runs it, and its agent's /readyz), pod v1 is stopped with SIGTERM, both containers at
 * once, as the kubelet stops a deleted pod. All along, every container reads its /proc/meminfo in a
 * tight loop, and never reads an error nor another value than its own limit.
 *
 * <p>Two agents run at once meanwhile: they must not fight. v1's keeps its own lxcfs as the live
 * one until it exits and leaves v2's mounts alone; v2's moves every container off v1's lxcfs once,
 * and then finds nothing to do: no mount count grows, no mount is moved back and forth.
 */
@RequiresReal({LXCFS, DOCKER})
class DaemonSetRollingUpdateIT {
  @RegisterExtension static final LocalImage SIDECAR = LocalImage.sidecar();
  @RegisterExtension static final LocalImage LXCFS_IMAGE = LocalImage.lxcfs();

  private static final int PORT = 9477;
  private static final int CONTAINERS = 10;
  private static final Pattern REPAIRED = Pattern.compile("repair pass: (\\d+) repaired");

  /**
   * A reader in a container: reads its /proc/meminfo again and again, appends anything but its own
   * limit (an error, the host's value) to /errors, and counts its reads in /reads.
   */
  private static final String READER =
      "n=0; while :; do l=$(head -1 /proc/meminfo 2>&1);"
          + " case \"$l\" in *' 65536 kB') ;; *) echo \"$l\" >> /errors;; esac;"
          + " n=$((n+1)); echo $n > /reads; done";

  private DaemonSet daemonSet;
  private StandInVarLib standIn;
  private Path varLib;
  private final List<DockerContainer> lxcfsContainers = new ArrayList<>();
  private final List<DockerContainer> agents = new ArrayList<>();
  private final LimitedContainers containers = new LimitedContainers();
  private final Map<String, Long> pids = new HashMap<>();

  @BeforeEach
  void createVarLib() throws Exception {
    daemonSet = DeployManifests.daemonSet();
    standIn = StandInVarLib.create();
    varLib = standIn.path();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      // Agents first: nothing moves mounts while the rest goes.
      agents.forEach(DockerContainer::close);
      containers.close();
      lxcfsContainers.forEach(DockerContainer::close);
    } finally {
      standIn.close();
    }
  }

  @Test
  void rollingUpdate_newPodReadyOnceEveryContainerIsMoved_oldPodStopped_noReadEverFails()
      throws Exception {
    assertThat(daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal())
        .isEqualTo(1);
    DockerContainer lxcfs1 = startLxcfs();
    awaitStarted(lxcfs1);
    Device first = hostGeneration().orElseThrow();
    // The node's containers run before the pod: the agent is limited to them (a shared machine).
    containers.start(CONTAINERS, varLib.resolve("lxcfs"));
    DockerContainer agent1 = startAgent();
    awaitReady(agent1);
    Map<String, Integer> mountsBefore = lxcfsMountCounts();
    for (DockerContainer container : containers) {
      Programs.check("docker", "exec", "-d", container.id(), "sh", "-c", READER);
    }
    Map<String, Long> readsBefore = awaitReads(Map.of());

    // Pod v2, its containers started one after the other, as the kubelet does (it does not wait
    // for the first one's startup probe).
    DockerContainer lxcfs2 = startLxcfs();
    DockerContainer agent2 = startAgent();
    awaitStarted(lxcfs2);
    awaitReady(agent2);
    Device second = hostGeneration().orElseThrow();
    assertThat(second).as("v2's lxcfs on the host").isNotEqualTo(first);
    assertThat(containerGenerations())
        .as("every container on v2's lxcfs once v2 is ready, before v1 stops")
        .containsOnly(second);
    assertThat(repairs(agent1)).as("what v1's agent moved").isZero();

    // The pod deleted: SIGTERM to both its containers at once.
    Programs.check("docker", "stop", "--time", "30", lxcfs1.id(), agent1.id());

    awaitReads(readsBefore);
    assertThat(errors()).as("what the readers read that was not their limit").isEmpty();
    assertThat(standIn.lxcfsMounts()).as("lxcfs mounts on the host").isEqualTo(1);
    assertThat(hostGeneration()).contains(second);
    assertThat(containerGenerations()).containsOnly(second);
    assertThat(lxcfsMountCounts()).as("lxcfs mounts per container").isEqualTo(mountsBefore);
    Map<String, List<Integer>> mountIds = lxcfsMountIds();
    // More passes of v2's agent (at every 2 s probe while v1's lxcfs ran, then every resync):
    // nothing moves.
    Thread.sleep(5_000);
    assertThat(lxcfsMountIds()).as("no mount moved since").isEqualTo(mountIds);
    assertThat(repairs(agent2))
        .as("v2's agent moved each of the %d mounts once", 2 * CONTAINERS)
        .isEqualTo(2 * CONTAINERS);
    assertThat(repairs(agent1)).as("what v1's agent moved").isZero();
    assertThat(errors()).isEmpty();
    assertThat(agent2.get(PORT, "/readyz")).isPresent();
    assertThat(containers.allLimited()).isTrue();
  }

  private DockerContainer startLxcfs() {
    DockerContainer lxcfs =
        DockerPod.onDocker(daemonSet, varLib)
            .start("lxcfs", LXCFS_IMAGE.name(), DockerPod.Changes.none());
    lxcfsContainers.add(lxcfs);
    return lxcfs;
  }

  private DockerContainer startAgent() {
    DockerContainer agent =
        DockerPod.onDocker(daemonSet, varLib)
            .start(
                "remount",
                SIDECAR.name(),
                DockerPod.Changes.none()
                    .withEnv("LXCFS_REMOUNT_LXCFS_DIR", varLib + "/lxcfs")
                    .withMoreArgs(containers.filterArguments()));
    agents.add(agent);
    return agent;
  }

  /** Until the lxcfs container's startup probe passes, run as the kubelet runs it. */
  private void awaitStarted(DockerContainer lxcfs) throws Exception {
    Probe probe = DeployManifests.container(daemonSet, "lxcfs").getStartupProbe();
    List<String> command = new ArrayList<>(List.of("docker", "exec", lxcfs.id()));
    probe
        .getExec()
        .getCommand()
        .forEach(part -> command.add(part.replace("/var/lib", varLib.toString())));
    Eventually.within(
        Duration.ofSeconds(60),
        "lxcfs's startup probe to pass",
        () -> Programs.run(command).exitCode() == 0,
        lxcfs::logs);
  }

  /** Until the agent's /readyz, the remount container's readiness probe, answers 200. */
  private void awaitReady(DockerContainer agent) throws Exception {
    Eventually.within(
        Duration.ofSeconds(60),
        "the agent ready",
        () -> agent.get(PORT, "/readyz").isPresent(),
        agent::logs);
  }

  /** Until every reader has read more than it had in {@code before}; the reads of each. */
  private Map<String, Long> awaitReads(Map<String, Long> before) throws Exception {
    Map<String, Long> reads = new HashMap<>();
    Eventually.within(
        Duration.ofSeconds(60),
        "every reader reading",
        () -> {
          for (DockerContainer container : containers) {
            // Empty while the reader rewrites it: asked again at the next look.
            String count = inContainer(container, "reads");
            if (!count.isEmpty()
                && Long.parseLong(count) > before.getOrDefault(container.id(), 0L)) {
              reads.putIfAbsent(container.id(), Long.parseLong(count));
            }
          }
          return reads.size() == CONTAINERS;
        },
        this::readers);
    return reads;
  }

  /** What each reader has read, and is doing: for a failure's message. */
  private String readers() {
    StringBuilder state = new StringBuilder();
    for (DockerContainer container : containers) {
      state
          .append(container.id(), 0, 12)
          .append(": reads ")
          .append(inContainer(container, "reads"))
          .append('\n')
          .append(container.exec("busybox", "ps", "-o", "pid,stat,args").output());
    }
    return state.toString();
  }

  private List<String> errors() {
    List<String> errors = new ArrayList<>();
    for (DockerContainer container : containers) {
      String read = inContainer(container, "errors");
      if (!read.isEmpty()) {
        errors.add(container.id().substring(0, 12) + ": " + read);
      }
    }
    return errors;
  }

  /**
   * A file the reader writes at the root of its container, read through the container's root from
   * here (a docker exec per look takes seconds on a loaded machine); empty when it does not exist.
   */
  private String inContainer(DockerContainer container, String file) {
    long pid = pids.computeIfAbsent(container.id(), id -> container.pid());
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "root", file)).strip();
    } catch (java.nio.file.NoSuchFileException e) {
      return "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Optional<Device> hostGeneration() throws Exception {
    return MountTable.read(Path.of("/proc/self/mountinfo"))
        .topAt(varLib + "/lxcfs")
        .filter(m -> m.fsType().equals("fuse.lxcfs"))
        .map(MountInfo::device);
  }

  /** The devices of the lxcfs mounts of every container. */
  private List<Device> containerGenerations() throws Exception {
    List<Device> devices = new ArrayList<>();
    for (DockerContainer container : containers) {
      lxcfsMounts(container).forEach(m -> devices.add(m.device()));
    }
    return devices;
  }

  private Map<String, Integer> lxcfsMountCounts() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (DockerContainer container : containers) {
      counts.put(container.id(), lxcfsMounts(container).size());
    }
    return counts;
  }

  private Map<String, List<Integer>> lxcfsMountIds() throws Exception {
    Map<String, List<Integer>> ids = new HashMap<>();
    for (DockerContainer container : containers) {
      ids.put(container.id(), lxcfsMounts(container).stream().map(MountInfo::mountId).toList());
    }
    return ids;
  }

  private static List<MountInfo> lxcfsMounts(DockerContainer container) throws Exception {
    return container.mountTable().mounts().stream()
        .filter(m -> m.fsType().equals("fuse.lxcfs"))
        .toList();
  }

  /** How many mounts an agent's passes repaired, from its log. */
  private static int repairs(DockerContainer agent) {
    int total = 0;
    Matcher matcher = REPAIRED.matcher(agent.logs());
    while (matcher.find()) {
      total += Integer.parseInt(matcher.group(1));
    }
    return total;
  }
}
