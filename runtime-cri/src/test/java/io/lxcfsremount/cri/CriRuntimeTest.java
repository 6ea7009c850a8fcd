package io.lxcfsremount.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeNotAnsweringException;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import io.lxcfsremount.core.testing.FixtureProcesses;
import io.lxcfsremount.cri.v1.ContainerMetadata;
import io.lxcfsremount.cri.v1.ContainerState;
import io.lxcfsremount.cri.v1.ContainerStatus;
import io.lxcfsremount.cri.v1.ContainerStatusRequest;
import io.lxcfsremount.cri.v1.ContainerStatusResponse;
import io.lxcfsremount.cri.v1.ListContainersRequest;
import io.lxcfsremount.cri.v1.ListContainersResponse;
import io.lxcfsremount.cri.v1.ListPodSandboxRequest;
import io.lxcfsremount.cri.v1.ListPodSandboxResponse;
import io.lxcfsremount.cri.v1.PodSandbox;
import io.lxcfsremount.cri.v1.PodSandboxMetadata;
import io.lxcfsremount.cri.v1.RuntimeServiceGrpc;
import io.lxcfsremount.cri.v1.VersionRequest;
import io.lxcfsremount.cri.v1.VersionResponse;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CriRuntime against fake CRI servers on real unix sockets: what it asks, and what it makes of it.
 */
class CriRuntimeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(2);

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final FakeRuntimeService fake = new FakeRuntimeService();

  @AfterEach
  void close() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    fake.delays.shutdownNow();
  }

  @Test
  void describe_namesTheRuntimeItsVersionTheApiAndTheEndpoint() throws Exception {
    CriRuntime cri = runtime(serve(fake).endpoint());

    assertThat(cri.describe())
        .isEqualTo("containerd v1.7.2 (CRI v1) at unix://" + dir.resolve("cri.sock"));
    assertThat(cri.name()).isEqualTo("cri");
  }

  @Test
  void close_endsTheThreadOfItsEventLoop() throws Exception {
    Set<Thread> others = eventLoopThreads();
    CriRuntime cri = CriRuntime.open(serve(fake).endpoint(), DEADLINE);
    cri.describe();
    assertThat(eventLoopThreads()).as("its event loop's thread").hasSizeGreaterThan(others.size());

    cri.close();

    // A thread left waiting in epoll_wait would hold the JVM's exit for 300 ms.
    await("the thread of the closed runtime's event loop to end")
        .atMost(Duration.ofSeconds(2))
        .until(() -> others.containsAll(eventLoopThreads()));
  }

  private static Set<Thread> eventLoopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("cri-event-loop"))
        .collect(Collectors.toSet());
  }

  @Test
  void runningContainers_takeTheirPidFromTheVerboseStatus_andTheirPodFromTheSandbox()
      throws Exception {
    fake.sandbox("s1", "default", "web-7c5464f6b9-6zxdf", "uid-1");
    fake.container("c1", "s1", "nginx", 4242);
    fake.container("c2", "gone-sandbox", "", 4343);

    List<Container> containers = runtime(serve(fake).endpoint()).runningContainers();

    assertThat(containers)
        .containsExactly(
            new Container(
                "cri", "c1", "nginx", 4242, new Pod("default", "web-7c5464f6b9-6zxdf", "uid-1")),
            new Container("cri", "c2", "c2", 4343, null));
    assertThat(fake.listRequests)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getFilter().getState().getState())
                    .isEqualTo(ContainerState.CONTAINER_RUNNING));
    assertThat(fake.statusRequests).allSatisfy(r -> assertThat(r.getVerbose()).isTrue());
  }

  @Test
  void runningContainers_takeThePidsProcShows_andAskVerboseStatusesOnlyForTheOthers()
      throws Exception {
    String mapped = "a".repeat(64);
    String unmapped = "b".repeat(64);
    Path proc = Files.createDirectories(dir.resolve("proc"));
    new FixtureProcesses(proc)
        .process(500, 1, 100, "0::/system.slice/containerd.service")
        .process(510, 500, 101, "0::/kubepods/besteffort/pod5f0c/" + mapped)
        .process(511, 510, 102, "0::/kubepods/besteffort/pod5f0c/" + mapped);
    fake.container(mapped, "s1", "seen", 4242);
    fake.container(unmapped, "s1", "unseen", 4343);
    CriRuntime cri = CriRuntime.open(serve(fake).endpoint(), DEADLINE, new ProcFs(proc));
    cleanup.add(cri);

    assertThat(cri.runningContainers())
        .containsExactly(
            new Container("cri", mapped, "seen", 510, null),
            new Container("cri", unmapped, "unseen", 4343, null));
    assertThat(fake.statusRequests)
        .extracting(ContainerStatusRequest::getContainerId, ContainerStatusRequest::getVerbose)
        .containsExactlyInAnyOrder(tuple(mapped, false), tuple(unmapped, true));
  }

  @Test
  void runningContainers_carryTheHostPathsTheirStatusSaysTheyWereCreatedWith() throws Exception {
    fake.container("c1", "s1", "app", 10);
    ContainerStatusResponse status = status("c1", ContainerState.CONTAINER_RUNNING, 10);
    fake.statuses.put(
        "c1",
        status.toBuilder()
            .setStatus(
                status.getStatus().toBuilder()
                    .addMounts(mount("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", true))
                    .addMounts(mount("/var/lib/lxcfs/proc/uptime", "/proc/uptime", false)))
            .build());

    List<Container> containers = runtime(serve(fake).endpoint()).runningContainers();

    assertThat(containers.get(0).binds())
        .containsExactly(
            new Bind("/var/lib/lxcfs/proc/meminfo", "/proc/meminfo", true),
            new Bind("/var/lib/lxcfs/proc/uptime", "/proc/uptime", false));
  }

  private static io.lxcfsremount.cri.v1.Mount mount(String host, String container, boolean ro) {
    return io.lxcfsremount.cri.v1.Mount.newBuilder()
        .setHostPath(host)
        .setContainerPath(container)
        .setReadonly(ro)
        .build();
  }

  @Test
  void runningContainers_leaveOutContainersThatStoppedOrVanishedSinceTheList() throws Exception {
    fake.container("running", "s1", "app", 10);
    fake.container("exited", "s1", "app", 11);
    fake.statuses.put("exited", status("exited", ContainerState.CONTAINER_EXITED, 0));
    fake.container("removed", "s1", "app", 12);
    fake.failures.put(
        "removed", Status.NOT_FOUND.withDescription("container \"removed\" not found"));
    fake.container("nopid", "s1", "app", 13);
    fake.statuses.put(
        "nopid", ContainerStatusResponse.newBuilder().setStatus(running("nopid")).build());

    List<Container> containers = runtime(serve(fake).endpoint()).runningContainers();

    assertThat(containers).extracting(Container::id).containsExactly("running");
  }

  @Test
  void runningContainers_askForEveryStatusAtOnce() throws Exception {
    for (int i = 0; i < 20; i++) {
      fake.container("c" + i, "s1", "app", 100 + i);
    }
    fake.statusDelay = Duration.ofMillis(250);
    CriRuntime cri = runtime(serve(fake).endpoint());

    long start = System.nanoTime();
    List<Container> containers = cri.runningContainers();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(containers).hasSize(20);
    // One after the other would take 20 x 250 ms = 5 s.
    assertThat(took).isLessThan(Duration.ofMillis(2000));
  }

  @Test
  void missingSocket_isNamed() {
    CriRuntime cri = runtime(CriEndpoint.parse("unix://" + dir.resolve("nonexistent.sock")));

    assertThatThrownBy(cri::runningContainers)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage(
            "cannot reach CRI at unix://" + dir.resolve("nonexistent.sock") + ": no such socket");
  }

  @Test
  void regularFile_isNotASocket() throws Exception {
    Path file = Files.writeString(dir.resolve("file.sock"), "");
    CriRuntime cri = runtime(CriEndpoint.parse("unix://" + file));

    assertThatThrownBy(cri::describe)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage("unix://" + file + " is not a socket");
  }

  @Test
  void grpcServerWithoutCri_doesNotSpeakCriV1() throws Exception {
    CriRuntime cri = runtime(serve().endpoint());

    assertThatThrownBy(cri::describe)
        .isInstanceOf(NotCriException.class)
        .hasMessage(
            "unix://"
                + dir.resolve("cri.sock")
                + " does not speak CRI v1: Version is UNIMPLEMENTED");
  }

  @Test
  void socketNobodyListensOn_cannotBeReached() throws Exception {
    Path socket = dir.resolve("stale.sock");
    // A socket file left behind by a runtime that died: it stays after its listener is closed.
    ServerSocketChannel.open(StandardProtocolFamily.UNIX)
        .bind(UnixDomainSocketAddress.of(socket))
        .close();
    CriRuntime cri = runtime(CriEndpoint.parse("unix://" + socket));

    assertThatThrownBy(cri::runningContainers)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageStartingWith("cannot reach CRI at unix://" + socket + ": ")
        .hasMessageContaining("Connection refused")
        .hasMessageNotContaining("\n");
  }

  @Test
  void socketThatSpeaksHttp1_isNamedInOneLine() throws Exception {
    Path socket = dir.resolve("http.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    cleanup.add(server);
    Thread answer =
        new Thread(
            () -> {
              try (SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(1024));
                client.write(
                    ByteBuffer.wrap(
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII)));
              } catch (java.io.IOException e) {
                // the test sees what the client made of it
              }
            });
    answer.start();
    CriRuntime cri = runtime(CriEndpoint.parse("unix://" + socket));

    assertThatThrownBy(cri::describe)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageStartingWith("cannot reach CRI at unix://" + socket + ": ")
        .hasMessageNotContaining("\n");
    answer.join(5000);
  }

  @Test
  void runtimeThatDoesNotAnswer_failsAtTheDeadline() throws Exception {
    fake.silent = true;
    CriRuntime cri = CriRuntime.open(serve(fake).endpoint(), Duration.ofMillis(300));
    cleanup.add(cri);

    long start = System.nanoTime();
    assertThatThrownBy(cri::runningContainers)
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage(
            "CRI at unix://"
                + dir.resolve("cri.sock")
                + " did not answer ListContainers within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void statusesThatDoNotAnswerInTime_failTheWholeListing_underTheListingsOneDeadline()
      throws Exception {
    fake.container("c1", "s1", "app", 100);
    fake.statusDelay = Duration.ofSeconds(30);
    CriRuntime cri = CriRuntime.open(serve(fake).endpoint(), Duration.ofMillis(300));
    cleanup.add(cri);

    assertThatThrownBy(cri::runningContainers)
        .isInstanceOf(RuntimeNotAnsweringException.class)
        .hasMessage(
            "CRI at unix://"
                + dir.resolve("cri.sock")
                + " did not answer ContainerStatus within 300 ms");
  }

  private FakeCriServer serve(io.grpc.BindableService... services) throws Exception {
    FakeCriServer server = new FakeCriServer(dir.resolve("cri.sock"), services);
    cleanup.add(server);
    return server;
  }

  private CriRuntime runtime(CriEndpoint endpoint) {
    CriRuntime cri = CriRuntime.open(endpoint, DEADLINE);
    cleanup.add(cri);
    return cri;
  }

  private static ContainerStatus running(String id) {
    return ContainerStatus.newBuilder()
        .setId(id)
        .setState(ContainerState.CONTAINER_RUNNING)
        .build();
  }

  private static ContainerStatusResponse status(String id, ContainerState state, long pid) {
    return ContainerStatusResponse.newBuilder()
        .setStatus(ContainerStatus.newBuilder().setId(id).setState(state))
        .putInfo(
            "info", "{\"sandboxID\":\"s1\",\"pid\":" + pid + ",\"runtimeSpec\":{\"process\":{}}}")
        .build();
  }

  /** A CRI runtime service that answers from its fields, as containerd would. */
  private static final class FakeRuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    final List<io.lxcfsremount.cri.v1.Container> containers = new ArrayList<>();
    final List<PodSandbox> sandboxes = new ArrayList<>();
    final Map<String, ContainerStatusResponse> statuses = new HashMap<>();
    final Map<String, Status> failures = new HashMap<>();
    final List<ListContainersRequest> listRequests = new ArrayList<>();
    final List<ContainerStatusRequest> statusRequests = new ArrayList<>();
    final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    volatile Duration statusDelay = Duration.ZERO;
    volatile boolean silent;

    void sandbox(String id, String namespace, String name, String uid) {
      sandboxes.add(
          PodSandbox.newBuilder()
              .setId(id)
              .setMetadata(
                  PodSandboxMetadata.newBuilder().setNamespace(namespace).setName(name).setUid(uid))
              .build());
    }

    void container(String id, String sandbox, String name, long pid) {
      containers.add(
          io.lxcfsremount.cri.v1.Container.newBuilder()
              .setId(id)
              .setPodSandboxId(sandbox)
              .setMetadata(ContainerMetadata.newBuilder().setName(name))
              .setState(ContainerState.CONTAINER_RUNNING)
              .build());
      statuses.put(id, status(id, ContainerState.CONTAINER_RUNNING, pid));
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> answer) {
      answer.onNext(
          VersionResponse.newBuilder()
              .setVersion("0.1.0")
              .setRuntimeName("containerd")
              .setRuntimeVersion("v1.7.2")
              .setRuntimeApiVersion("v1")
              .build());
      answer.onCompleted();
    }

    @Override
    public synchronized void listContainers(
        ListContainersRequest request, StreamObserver<ListContainersResponse> answer) {
      listRequests.add(request);
      if (silent) {
        return;
      }
      answer.onNext(ListContainersResponse.newBuilder().addAllContainers(containers).build());
      answer.onCompleted();
    }

    @Override
    public void listPodSandbox(
        ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> answer) {
      if (silent) {
        return;
      }
      answer.onNext(ListPodSandboxResponse.newBuilder().addAllItems(sandboxes).build());
      answer.onCompleted();
    }

    @Override
    public synchronized void containerStatus(
        ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> answer) {
      statusRequests.add(request);
      Status failure = failures.get(request.getContainerId());
      ContainerStatusResponse response = statuses.get(request.getContainerId());
      delays.schedule(
          () -> {
            if (failure != null) {
              answer.onError(failure.asRuntimeException());
            } else {
              answer.onNext(response);
              answer.onCompleted();
            }
          },
          statusDelay.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }
}
