package io.lxcfsremount.cri;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.lxcfsremount.core.proc.ContainerInits;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.AskedAhead;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Connecting;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.Injected;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import io.lxcfsremount.cri.v1.ContainerFilter;
import io.lxcfsremount.cri.v1.ContainerState;
import io.lxcfsremount.cri.v1.ContainerStateValue;
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
import io.lxcfsremount.cri.v1.RuntimeServiceGrpc.RuntimeServiceFutureStub;
import io.lxcfsremount.cri.v1.VersionRequest;
import io.lxcfsremount.cri.v1.VersionResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers of Kubernetes pods, from a CRI v1 runtime (containerd, CRI-O, cri-dockerd) on its
 * unix socket. Each container's init PID comes from /proc, where its cgroup names it ({@link
 * ContainerInits}), or else from its verbose status; its binds from its status, its pod from its
 * sandbox. Every call has a deadline: a hung runtime must not hang the agent. The calls of one
 * listing share one deadline, so that a listing takes at most that long, however its calls add up.
 */
public final class CriRuntime implements ContainerRuntime, AutoCloseable {
  public static final String NAME = "cri";
  private static final Logger log = LoggerFactory.getLogger(CriRuntime.class);

  private final CriEndpoint endpoint;
  private final Duration deadline;
  private final Connecting<CriChannel> channel;
  private final ContainerInits inits;
  private final AskedAhead ahead;

  private CriRuntime(CriEndpoint endpoint, Duration deadline, ContainerInits inits) {
    this.endpoint = endpoint;
    this.deadline = deadline;
    this.inits = inits;
    this.ahead = new AskedAhead(toString(), this::list);
    this.channel = Connecting.start(toString(), "cri-connect", () -> CriChannel.open(endpoint));
  }

  /**
   * A runtime for the CRI server at {@code endpoint}, whose gRPC channel it starts to set up at
   * once, in the background: loading gRPC and netty costs a fresh JVM a while, time the caller can
   * spend on its own start-up meanwhile. Nothing connects until the first call.
   *
   * @param deadline what each call may take before the runtime counts as not answering
   */
  public static CriRuntime open(CriEndpoint endpoint, Duration deadline) {
    return open(endpoint, deadline, ProcFs.host());
  }

  /** A runtime that looks for its containers' init processes in {@code proc}. */
  static CriRuntime open(CriEndpoint endpoint, Duration deadline, ProcFs proc) {
    return new CriRuntime(endpoint, deadline, new ContainerInits(proc));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** {@code containerd 1.6.20 (CRI v1) at unix:///run/containerd/containerd.sock}. */
  @Override
  public String describe() throws RuntimeUnavailableException {
    endpoint.check();
    VersionResponse version =
        await("Version", stub().version(VersionRequest.newBuilder().setVersion("v1").build()));
    return version.getRuntimeName()
        + " "
        + version.getRuntimeVersion()
        + " (CRI "
        + version.getRuntimeApiVersion()
        + ") at "
        + endpoint;
  }

  /**
   * One ListContainers and one ListPodSandbox (the pods, and the webhook's record of what it
   * injected into their containers), then every container's status at once: a node runs a hundred
   * containers, and the pass waits for the slowest answer, not for their sum. A status is verbose
   * (the runtime then writes the container's whole spec out as JSON, for the PID in it) only for a
   * container whose init /proc did not show. Those {@link #askAhead()} found, if it was called
   * since the last call.
   */
  @Override
  public List<Container> runningContainers() throws RuntimeUnavailableException {
    return ahead.takeOrList();
  }

  /** Lists the containers on a thread of its own, while the rest of the agent starts. */
  @Override
  public void askAhead() {
    ahead.ask("cri-ahead");
  }

  private List<Container> list() throws RuntimeUnavailableException {
    endpoint.check();
    RuntimeServiceFutureStub stub = stub();
    ListenableFuture<ListContainersResponse> listed = stub.listContainers(runningOnly());
    ListenableFuture<ListPodSandboxResponse> sandboxes =
        stub.listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
    // Read while the lists are on their way.
    Map<String, Long> fromProc = inits.scan();
    List<io.lxcfsremount.cri.v1.Container> containers =
        await("ListContainers", listed).getContainersList();
    Map<String, Pod> pods = new HashMap<>();
    Injected.BySandbox injected = new Injected.BySandbox();
    for (PodSandbox sandbox : await("ListPodSandbox", sandboxes).getItemsList()) {
      pods.put(sandbox.getId(), pod(sandbox.getMetadata()));
      injected.add(sandbox.getId(), sandbox.getAnnotationsMap().get(Injected.ANNOTATION));
    }
    List<ListenableFuture<ContainerStatusResponse>> statuses = new ArrayList<>();
    for (io.lxcfsremount.cri.v1.Container container : containers) {
      statuses.add(
          stub.containerStatus(
              ContainerStatusRequest.newBuilder()
                  .setContainerId(container.getId())
                  .setVerbose(!fromProc.containsKey(container.getId()))
                  .build()));
    }
    List<Container> running = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      io.lxcfsremount.cri.v1.Container container = containers.get(i);
      OptionalLong pid = pid(container.getId(), statuses.get(i), fromProc.get(container.getId()));
      if (pid.isPresent()) {
        running.add(
            new Container(
                NAME,
                container.getId(),
                name(container),
                pid.getAsLong(),
                pods.get(container.getPodSandboxId()),
                binds(Futures.getUnchecked(statuses.get(i)).getStatus()),
                injected.pathsOf(container.getPodSandboxId(), container.getMetadata().getName())));
      }
    }
    return running;
  }

  /**
   * The init PID, from /proc ({@code fromProc}, null when /proc did not show it) or else from the
   * container's verbose status; empty when the container is no longer running: it may stop or be
   * removed between the list and its status. A runtime gone away or not answering fails the whole
   * list; a status that fails otherwise leaves out that container only, with a warning, so that one
   * broken container cannot hide the others.
   */
  private OptionalLong pid(String id, Future<ContainerStatusResponse> status, Long fromProc)
      throws RuntimeUnavailableException {
    ContainerStatusResponse response;
    try {
      response = await("ContainerStatus", status);
    } catch (RuntimeUnavailableException e) {
      switch (Status.fromThrowable(e.getCause()).getCode()) {
        case NOT_FOUND:
          return OptionalLong.empty();
        case UNAVAILABLE, DEADLINE_EXCEEDED:
          throw e;
        default:
          log.warn("container {} left out: {}", id, e.getMessage());
          return OptionalLong.empty();
      }
    }
    if (response.getStatus().getState() != ContainerState.CONTAINER_RUNNING) {
      return OptionalLong.empty();
    }
    if (fromProc != null) {
      return OptionalLong.of(fromProc);
    }
    OptionalLong pid = VerboseInfo.pid(response.getInfoMap());
    if (pid.isEmpty()) {
      log.warn("container {} left out: CRI at {} gave no pid in its verbose status", id, endpoint);
    }
    return pid;
  }

  /** The host paths it was created with bound in, as its status lists them. */
  private static List<Bind> binds(ContainerStatus status) {
    return status.getMountsList().stream()
        .map(m -> new Bind(m.getHostPath(), m.getContainerPath(), m.getReadonly()))
        .toList();
  }

  private static ListContainersRequest runningOnly() {
    return ListContainersRequest.newBuilder()
        .setFilter(
            ContainerFilter.newBuilder()
                .setState(
                    ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING)))
        .build();
  }

  private static Pod pod(PodSandboxMetadata metadata) {
    return new Pod(metadata.getNamespace(), metadata.getName(), metadata.getUid());
  }

  private static String name(io.lxcfsremount.cri.v1.Container container) {
    String name = container.getMetadata().getName();
    return name.isEmpty()
        ? container.getId().substring(0, Math.min(12, container.getId().length()))
        : name;
  }

  /** A stub whose calls must all have answered within the deadline from now. */
  private RuntimeServiceFutureStub stub() throws RuntimeUnavailableException {
    ManagedChannel ready = channel.await().channel();
    return RuntimeServiceGrpc.newFutureStub(ready)
        .withDeadline(Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS));
  }

  private <T> T await(String call, Future<T> answer) throws RuntimeUnavailableException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw CriFailure.of(endpoint, call, e.getCause(), deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(true);
      throw new RuntimeUnavailableException(
          "interrupted while waiting for " + call + " from CRI at " + endpoint, e);
    }
  }

  @Override
  public void close() {
    channel.close(CriChannel::close);
  }

  @Override
  public String toString() {
    return "CRI at " + endpoint;
  }
}
