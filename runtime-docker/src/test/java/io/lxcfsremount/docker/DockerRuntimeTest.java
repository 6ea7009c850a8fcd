package io.lxcfsremount.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.runtime.RuntimeNotAnsweringException;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import io.lxcfsremount.core.testing.FixtureProcesses;
import io.lxcfsremount.core.testing.SilentSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DockerRuntime against a stand-in Engine: what it asks, and what it makes of the answers. */
class DockerRuntimeTest {
  private FakeEngine engine;
  private DockerRuntime docker;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine();
    docker = DockerRuntime.open(engine.host(), RuntimeCalls.CALL_DEADLINE);
  }

  @AfterEach
  void stop() throws Exception {
    docker.close();
    engine.close();
  }

  @Test
  void describe_namesTheVersionOfItsServerHeader_andTheEndpoint() throws Exception {
    engine.answer("/_ping", 200, "OK");

    assertThat(docker.describe()).isEqualTo("docker 20.10.24 at " + engine.host());
    assertThat(engine.requested()).containsExactly("/_ping");
  }

  @Test
  void versionIn_isWhatFollowsTheProduct_orTheWholeHeader() {
    assertThat(DockerRuntime.versionIn("Docker/20.10.24+dfsg1 (linux)"))
        .isEqualTo("20.10.24+dfsg1");
    assertThat(DockerRuntime.versionIn("Libpod/4.3.1 (linux)")).isEqualTo("4.3.1");
    assertThat(DockerRuntime.versionIn("Docker/27.3.1")).isEqualTo("27.3.1");
    assertThat(DockerRuntime.versionIn("an engine")).isEqualTo("an engine");
  }

  @Test
  void runningContainers_inspectsEachForItsPid_inListOrder() throws Exception {
    List<String> listed = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = String.format("%064d", i);
      listed.add("{\"Id\":\"" + id + "\",\"Names\":[\"/c" + i + "\"],\"Labels\":{}}");
      engine.answer(
          "/containers/" + id + "/json",
          200,
          "{\"State\":{\"Running\":true,\"Pid\":" + (1000 + i) + "}}");
    }
    engine.answer("/containers/json", 200, "[" + String.join(",", listed) + "]");

    List<Container> containers = docker.runningContainers();

    assertThat(containers).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(containers.get(i))
          .isEqualTo(new Container("docker", String.format("%064d", i), "c" + i, 1000 + i, null));
    }
  }

  @Test
  void runningContainers_takeThePidsProcShows_andInspectOnlyTheOthers(@TempDir Path proc)
      throws Exception {
    FixtureProcesses processes = new FixtureProcesses(proc);
    String mapped = "a".repeat(64);
    String unmapped = "b".repeat(64);
    processes.process(500, 1, 100, "0::/system.slice/containerd.service");
    processes.process(510, 500, 101, "0::/docker/" + mapped);
    processes.process(511, 510, 102, "0::/docker/" + mapped);
    engine
        .answer(
            "/containers/json",
            200,
            "[{\"Id\":\""
                + mapped
                + "\",\"Names\":[\"/seen\"],\"Mounts\":[{\"Type\":\"bind\",\"Source\":"
                + "\"/var/lib/lxcfs/proc/meminfo\",\"Destination\":\"/proc/meminfo\",\"RW\":false}]},"
                + "{\"Id\":\""
                + unmapped
                + "\",\"Names\":[\"/unseen\"]}]")
        .answer(
            "/containers/" + unmapped + "/json", 200, "{\"State\":{\"Running\":true,\"Pid\":42}}");

    try (DockerRuntime withProc =
        DockerRuntime.open(engine.host(), RuntimeCalls.CALL_DEADLINE, new ProcFs(proc))) {
      assertThat(withProc.runningContainers())
          .containsExactly(
              new Container(
                  "docker",
                  mapped,
                  "seen",
                  510,
                  null,
                  List.of(new Bind("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", true))),
              new Container("docker", unmapped, "unseen", 42, null));
    }
    assertThat(engine.requested()).doesNotContain("/containers/" + mapped + "/json");
  }

  @Test
  void runningContainers_carryThePodOfKubeletContainers() throws Exception {
    engine
        .answer(
            "/containers/json",
            200,
            "[{\"Id\":\"abcd\",\"Names\":[\"/k8s_nginx_web-0_shop_5f0c_0\"],\"Labels\":{"
                + "\"io.kubernetes.pod.name\":\"web-0\",\"io.kubernetes.pod.namespace\":\"shop\","
                + "\"io.kubernetes.pod.uid\":\"5f0c\"}}]")
        .answer("/containers/abcd/json", 200, "{\"State\":{\"Running\":true,\"Pid\":42}}");

    assertThat(docker.runningContainers())
        .containsExactly(
            new Container(
                "docker",
                "abcd",
                "k8s_nginx_web-0_shop_5f0c_0",
                42,
                new Pod("shop", "web-0", "5f0c")));
  }

  @Test
  void runningContainers_keepAContainerThatWentAway_withPidZero() throws Exception {
    engine
        .answer(
            "/containers/json",
            200,
            "[{\"Id\":\"gone\",\"Names\":[\"/a\"]},{\"Id\":\"stopped\",\"Names\":[\"/b\"]}]")
        .answer("/containers/stopped/json", 200, "{\"State\":{\"Running\":false,\"Pid\":0}}");

    assertThat(docker.runningContainers()).extracting(Container::pid).containsExactly(0L, 0L);
  }

  @Test
  void runningContainers_takeTheListAskedAhead_once() throws Exception {
    engine
        .answer("/containers/json", 200, "[{\"Id\":\"early\",\"Names\":[\"/early\"]}]")
        .answer("/containers/early/json", 200, "{\"State\":{\"Running\":false}}");

    docker.askAhead();
    await("the list asked ahead")
        .atMost(Duration.ofSeconds(5))
        .until(() -> engine.requested().contains("/containers/early/json"));
    engine
        .answer("/containers/json", 200, "[{\"Id\":\"late\",\"Names\":[\"/late\"]}]")
        .answer("/containers/late/json", 200, "{\"State\":{\"Running\":false}}");

    assertThat(docker.runningContainers()).extracting(Container::name).containsExactly("early");
    assertThat(docker.runningContainers()).extracting(Container::name).containsExactly("late");
    assertThat(engine.requested()).filteredOn("/containers/json"::equals).hasSize(2);
  }

  @Test
  void anEngineError_inTheListAskedAhead_isTheSameOneLine() {
    engine.answer("/containers/json", 500, "{\"message\":\"containerd is not running\"}");

    docker.askAhead();
    await("the list asked ahead")
        .atMost(Duration.ofSeconds(5))
        .until(() -> engine.requested().contains("/containers/json"));
    Throwable askedAhead = catchThrowable(docker::runningContainers);
    Throwable askedNow = catchThrowable(docker::runningContainers);

    assertThat(askedAhead)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage(askedNow.getMessage());
  }

  @Test
  void anEngineError_isOneLineNamingEndpointRequestAndMessage() {
    engine.answer("/containers/json", 500, "{\"message\":\"containerd is not running\"}");

    assertThatThrownBy(() -> docker.runningContainers())
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage(
            "Docker at "
                + engine.host()
                + " answered GET /containers/json with HTTP 500: containerd is not running");
  }

  @Test
  void aSocketNobodyListensOn_isOneLineNamingIt() {
    DockerHost nowhere = DockerHost.parse("unix:///nonexistent/docker.sock");
    try (DockerRuntime unreachable = DockerRuntime.open(nowhere, RuntimeCalls.CALL_DEADLINE)) {
      assertThatThrownBy(unreachable::describe)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessage(
              "cannot reach Docker at unix:///nonexistent/docker.sock: no such file or directory");
      assertThatThrownBy(unreachable::runningContainers)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessage(
              "cannot reach Docker at unix:///nonexistent/docker.sock: no such file or directory");
    }
  }

  @Test
  void aSocketThatAcceptsAndNeverAnswers_isOneLineNamingTheRequest_andFreesTheConnection(
      @TempDir Path dir) throws Exception {
    try (SilentSocket wedged = SilentSocket.listen(dir.resolve("docker.sock"));
        DockerRuntime docker =
            DockerRuntime.open(DockerHost.parse(wedged.uri()), RuntimeCalls.CALL_DEADLINE)) {
      assertThatThrownBy(docker::describe)
          .isInstanceOf(RuntimeNotAnsweringException.class)
          .hasMessage("Docker at " + wedged.uri() + " did not answer GET /_ping within 5 s");
      assertThatThrownBy(docker::runningContainers)
          .isInstanceOf(RuntimeNotAnsweringException.class)
          .hasMessage(
              "Docker at " + wedged.uri() + " did not answer GET /containers/json within 5 s");
      // Interrupted at the deadline, each request's thread closes its channel as it unwinds.
      await("no request still reading the socket")
          .atMost(Duration.ofSeconds(5))
          .until(() -> readingThreads() == 0);
    }
  }

  /** Threads of the Docker transport blocked in a socket read. */
  private static long readingThreads() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(thread -> thread.getKey().getName().equals("docker-request"))
        .filter(
            thread ->
                Arrays.stream(thread.getValue())
                    .anyMatch(frame -> frame.getMethodName().equals("read")))
        .count();
  }
}
