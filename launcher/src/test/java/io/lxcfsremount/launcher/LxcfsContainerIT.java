package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.DOCKER;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Probe;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.proc.LxcfsProcessFinder;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DaemonSet's lxcfs container on the real dockerd ({@link DockerPod}), with its command line
 * and its probe as the kubelet runs them: the probe passes while lxcfs serves, and fails within its
 * timeout when lxcfs is wedged (stopped: alive, answering nothing), so the kubelet replaces it; and
 * lxcfs, started with the manifest's flags, shows a container the CPUs of its quota.
 */
@RequiresReal({LXCFS, DOCKER})
class LxcfsContainerIT {
  @RegisterExtension static final LocalImage LXCFS_IMAGE = LocalImage.lxcfs();

  /** How long a probe expected to pass may take on a loaded machine. */
  private static final Duration LOADED_MACHINE = Duration.ofSeconds(60);

  private Path varLib;
  private DockerContainer lxcfs;
  private final List<DockerContainer> readers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    varLib = Files.createTempDirectory("lxcfs-remount-var-lib").toRealPath();
    Programs.check("mount", "--bind", varLib.toString(), varLib.toString());
    Programs.check("mount", "--make-shared", varLib.toString());
    lxcfs =
        DockerPod.onDocker(DeployManifests.daemonSet(), varLib)
            .start("lxcfs", LXCFS_IMAGE.name(), DockerPod.Changes.none());
    Eventually.within(
        Duration.ofSeconds(20),
        "lxcfs mounted for the host",
        () -> {
          try {
            return !Files.readString(varLib.resolve("lxcfs/proc/uptime")).isEmpty();
          } catch (IOException e) {
            return false;
          }
        },
        lxcfs::logs);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      readers.forEach(DockerContainer::close);
      if (lxcfs != null) {
        lxcfs.close();
      }
    } finally {
      for (int i = 0; i < 5 && lxcfsMounts() > 0; i++) {
        Programs.run("umount", "-l", varLib + "/lxcfs");
      }
      Programs.run("umount", "-l", varLib.toString());
      try (Stream<Path> files = Files.walk(varLib)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  @Test
  void livenessProbe_passesWhileLxcfsServes_andFailsWithinItsTimeoutWhenLxcfsIsWedged()
      throws Exception {
    Probe liveness =
        DeployManifests.container(DeployManifests.daemonSet(), "lxcfs").getLivenessProbe();
    // The container's first process is its script; lxcfs, its child, serves the folder.
    String lxcfsPid =
        Long.toString(
            new LxcfsProcessFinder(Path.of("/proc")).find(varLib + "/lxcfs").orElseThrow());
    assertThat(Files.readString(Path.of("/proc", lxcfsPid, "stat")))
        .contains(") S " + lxcfs.pid() + " ");

    assertThat(run(liveness, LOADED_MACHINE)).isEqualTo(Outcome.PASSED);
    Programs.check("kill", "-STOP", lxcfsPid);
    try {
      assertThat(run(liveness, Duration.ofSeconds(liveness.getTimeoutSeconds())))
          .isEqualTo(Outcome.TIMED_OUT);
    } finally {
      Programs.check("kill", "-CONT", lxcfsPid);
    }
    assertThat(run(liveness, LOADED_MACHINE)).isEqualTo(Outcome.PASSED);
  }

  @Test
  void startupProbe_passesOnceTheHostsFolderIsThisLxcfs_andFailsWhenItIsNot() throws Exception {
    var container = DeployManifests.container(DeployManifests.daemonSet(), "lxcfs");
    String hostsFolder = varLib + "/lxcfs";

    List<String> startup = container.getStartupProbe().getExec().getCommand();
    List<String> liveness = container.getLivenessProbe().getExec().getCommand();
    assertThat(startup.get(2)).startsWith(liveness.get(2) + " && ");
    assertThat(run(container.getStartupProbe(), LOADED_MACHINE)).isEqualTo(Outcome.PASSED);
    // Another folder over the host's, as another pod's lxcfs would be.
    Path other = Files.createTempDirectory("lxcfs-remount-other");
    Programs.check("mount", "--bind", other.toString(), hostsFolder);
    try {
      assertThat(run(container.getStartupProbe(), LOADED_MACHINE)).isEqualTo(Outcome.FAILED);
      assertThat(run(container.getLivenessProbe(), LOADED_MACHINE)).isEqualTo(Outcome.PASSED);
    } finally {
      Programs.check("umount", hostsFolder);
      Files.delete(other);
    }
  }

  @Test
  void lxcfs_showsAContainerLimitedToOneCpu_oneCpu() throws Exception {
    String hostCpus = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
    assertThat(hostCpus).as("this test needs a machine with more than one CPU").isNotEqualTo("0");
    String lxcfsDir = varLib + "/lxcfs";
    DockerContainer reader =
        DockerContainer.run(
            "--network",
            "none",
            "--cpus",
            "1",
            "-v",
            lxcfsDir + "/proc/cpuinfo:/proc/cpuinfo:ro",
            "-v",
            lxcfsDir + "/proc/stat:/proc/stat:ro",
            "-v",
            lxcfsDir + "/sys/devices/system/cpu/online:/sys/devices/system/cpu/online:ro",
            "local/busybox:1");
    readers.add(reader);

    assertThat(reader.exec("cat", "/sys/devices/system/cpu/online").output().strip())
        .isEqualTo("0");
    assertThat(processors(reader.exec("cat", "/proc/cpuinfo").output())).isEqualTo(1);
    assertThat(reader.exec("head", "-2", "/proc/stat").output())
        .containsPattern("(?m)^cpu0 ")
        .doesNotContainPattern("(?m)^cpu1 ");
  }

  private enum Outcome {
    PASSED,
    FAILED,
    TIMED_OUT
  }

  /**
   * Runs an exec probe in the lxcfs container as the kubelet does: passed on exit code 0, failed
   * otherwise, timed out when it has not ended within {@code timeout} (the kubelet's is the probe's
   * timeoutSeconds; a probe expected to pass is given longer, for a loaded machine's docker exec).
   */
  private Outcome run(Probe probe, Duration timeout) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "exec", lxcfs.id()));
    probe
        .getExec()
        .getCommand()
        .forEach(part -> command.add(part.replace("/var/lib", varLib.toString())));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      return Outcome.TIMED_OUT;
    }
    return process.exitValue() == 0 ? Outcome.PASSED : Outcome.FAILED;
  }

  private static long processors(String cpuinfo) {
    return cpuinfo.lines().filter(line -> line.startsWith("processor")).count();
  }

  private long lxcfsMounts() throws Exception {
    return MountTable.read(Path.of("/proc/self/mountinfo")).mounts().stream()
        .filter(m -> m.fsType().equals("fuse.lxcfs") && m.mountPoint().equals(varLib + "/lxcfs"))
        .count();
  }
}
