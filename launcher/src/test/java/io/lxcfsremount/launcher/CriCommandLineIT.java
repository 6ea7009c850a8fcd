package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.CRI;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.cri.CriPods;
import io.lxcfsremount.cri.CriPods.FileMount;
import io.lxcfsremount.cri.CriPods.TestPod;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar with {@code --runtime cri} against a real containerd and a real lxcfs: what an
 * operator types, and what they read back. Every pass is limited to this test's container.
 */
@RequiresReal({LXCFS, CRI})
class CriCommandLineIT {
  private LxcfsProcess lxcfs;
  private CriPods pods;
  private TestPod pod;
  private String app;

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
      // Removes the pod, then stops lxcfs; skips whatever was never started.
    }
  }

  @Test
  void repair_runtimeCri_repairsThePodsContainer_andNamesIt() throws Exception {
    lxcfs.restart();
    assertThat(pods.meminfo(app).stderr()).contains(ENOTCONN);

    Programs.Result result =
        LxcfsRemountJar.run(
            "repair",
            "--runtime",
            "cri",
            "--cri-endpoint",
            pods.endpoint().uri(),
            "--lxcfs-dir",
            lxcfs.dir().toString(),
            "--container",
            app);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout())
        .containsPattern(
            "cri\\s+"
                + pod.namespace()
                + "/"
                + pod.name()
                + "/app\\s+\\d+\\s+/proc/meminfo\\s+repaired")
        .contains("1 repaired in 1 of 1 containers");
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);
  }

  @Test
  void status_runtimeCri_showsTheRuntimesNameAndVersion() throws Exception {
    String[] status = {
      "status",
      "--runtime",
      "cri",
      "--cri-endpoint",
      pods.endpoint().uri(),
      "--lxcfs-dir",
      lxcfs.dir().toString(),
      "--container",
      pod.toString()
    };

    Programs.Result table = LxcfsRemountJar.run(status);
    Programs.Result json =
        LxcfsRemountJar.run(
            Stream.concat(Arrays.stream(status), Stream.of("--output", "json"))
                .toArray(String[]::new));

    assertThat(table.exitCode()).as(table.output()).isZero();
    assertThat(table.stdout())
        .containsPattern(
            "(?m)^runtime cri: containerd \\S+ \\(CRI v1\\) at " + pods.endpoint().uri() + "$")
        .containsPattern(pod + "/app\\s+\\d+\\s+/proc/meminfo\\s+healthy");
    JsonNode report = new ObjectMapper().readTree(json.stdout());
    assertThat(report.at("/runtimes/0/name").asText()).isEqualTo("cri");
    assertThat(report.at("/runtimes/0/describe").asText()).startsWith("containerd ");
    assertThat(report.at("/containers/0/pod/name").asText()).isEqualTo(pod.name());
    assertThat(report.at("/containers/0/name").asText()).isEqualTo("app");
  }

  @Test
  void status_runtimeAutoWithAnEndpointThatDoesNotAnswer_warnsAndStillFindsTheContainer()
      throws Exception {
    Programs.Result result =
        LxcfsRemountJar.run(
            "status",
            "--runtime",
            "auto",
            "--cri-endpoint",
            "unix:///nonexistent.sock",
            "--lxcfs-dir",
            lxcfs.dir().toString(),
            "--container",
            Long.toString(pods.pid(app)));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout())
        .contains("warning: cri: cannot reach CRI at unix:///nonexistent.sock: no such socket")
        .containsPattern("proc\\s+\\S+\\s+" + pods.pid(app) + "\\s+/proc/meminfo\\s+healthy");
  }
}
