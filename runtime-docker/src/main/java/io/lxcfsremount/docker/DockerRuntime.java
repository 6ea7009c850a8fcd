package io.lxcfsremount.docker;

import io.lxcfsremount.core.proc.ContainerInits;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.AskedAhead;
import io.lxcfsremount.core.runtime.Connecting;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.Injected;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The containers of a Docker Engine, through its API: running and paused ones, each with its init
 * PID, name, full id, binds and, for containers kubelet created through a Docker shim
 * (cri-dockerd), its pod. One list request tells all but the PIDs; those come from /proc, where
 * each container's cgroup names it ({@link ContainerInits}), and from an inspect only for a
 * container /proc does not show ({@link Inspections}). Close the runtime to release its
 * connections.
 */
public final class DockerRuntime implements ContainerRuntime, AutoCloseable {
  public static final String NAME = "docker";

  private final DockerHost host;
  private final Duration deadline;
  private final CompletableFuture<String> description = new CompletableFuture<>();
  private final Connecting<EngineApi> api;
  private final ContainerInits inits;

  private final AskedAhead ahead;

  private DockerRuntime(DockerHost host, Duration deadline, ContainerInits inits) {
    this.host = host;
    this.deadline = deadline;
    this.inits = inits;
    this.ahead = new AskedAhead(toString(), this::list);
    this.api =
        Connecting.start(
            toString(),
            "docker-connect",
            () -> new EngineApi(host, Inspections.PARALLEL, deadline),
            this::askVersion);
  }

  /**
   * A runtime for the Engine at {@code host}, which it starts to reach at once, in the background:
   * setting up the transport costs a fresh JVM some 0.2 s (httpclient5 prepares TLS even for a unix
   * socket), time the caller can spend on its own start-up meanwhile. The Engine's version (the
   * {@code Server} header of its answer to a ping) is asked right away too, so that {@link
   * #describe()}, the check that it answers, rarely waits. Only {@code host} counts; DOCKER_*
   * variables and Docker CLI contexts are not read.
   *
   * @param deadline what each request may take
   */
  public static DockerRuntime open(DockerHost host, Duration deadline) {
    return open(host, deadline, ProcFs.host());
  }

  /** A runtime that looks for its containers' init processes in {@code proc}. */
  static DockerRuntime open(DockerHost host, Duration deadline, ProcFs proc) {
    return new DockerRuntime(host, deadline, new ContainerInits(proc));
  }

  private void askVersion(EngineApi engine) {
    try {
      String version = engine.server().map(DockerRuntime::versionIn).orElse("unknown");
      description.complete(NAME + " " + version + " at " + host);
    } catch (RuntimeUnavailableException | RuntimeException e) {
      description.completeExceptionally(e);
    }
  }

  /**
   * {@code 20.10.24+dfsg1} from a {@code Server} header of {@code Docker/20.10.24+dfsg1 (linux)};
   * the header as it is when it has no product/version.
   */
  static String versionIn(String server) {
    int slash = server.indexOf('/');
    if (slash < 0) {
      return server;
    }
    int end = server.indexOf(' ', slash);
    return server.substring(slash + 1, end < 0 ? server.length() : end);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@code docker 20.10.24 at unix:///var/run/docker.sock}, as the Engine answered when connecting.
   *
   * @throws RuntimeUnavailableException when the Engine did not answer, naming the endpoint
   */
  @Override
  public String describe() throws RuntimeUnavailableException {
    api.await();
    // Asked as soon as the transport was up, and bounded by the request's own deadline.
    try {
      return description.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("asking Docker at " + host + " its version", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while asking Docker at " + host, e);
    }
  }

  /**
   * Lists the containers on a thread of its own, as soon as the transport is up, alongside the
   * question for the version: the Engine's answer and its parsing, the /proc scan and any inspect
   * overlap the rest of the agent's start-up (loading the Linux calls) instead of following it.
   */
  @Override
  public void askAhead() {
    ahead.ask("docker-ahead");
  }

  /**
   * The running containers, paused ones included: those {@link #askAhead()} found, if it was called
   * since the last call, else those of now. A container that stops between the list and the look
   * for its PID is still returned, with PID 0: the pass then reports it as skipped (process
   * exited).
   *
   * @throws RuntimeUnavailableException when the Engine does not answer, naming the endpoint
   */
  @Override
  public List<Container> runningContainers() throws RuntimeUnavailableException {
    return ahead.takeOrList();
  }

  private List<Container> list() throws RuntimeUnavailableException {
    EngineApi engine = api.await();
    CompletableFuture<Map<String, Long>> fromProc = inits.scanMeanwhile();
    List<EngineJson.Listed> listed =
        engine.get("/containers/json", EngineJson::containers).orElse(List.of());
    Map<String, Long> pids = new HashMap<>(fromProc.join());
    List<String> unmapped =
        listed.stream().map(EngineJson.Listed::id).filter(id -> !pids.containsKey(id)).toList();
    pids.putAll(Inspections.pids(engine, unmapped));
    Injected.BySandbox injected = PodLabels.injected(listed);
    List<Container> containers = new ArrayList<>();
    for (EngineJson.Listed one : listed) {
      containers.add(
          new Container(
              NAME,
              one.id(),
              ContainerNames.primary(one.names(), one.id()),
              pids.getOrDefault(one.id(), 0L),
              PodLabels.podOf(one.labels()),
              one.binds(),
              PodLabels.injectedInto(injected, one.labels())));
    }
    return containers;
  }

  @Override
  public String toString() {
    return "Docker at " + host;
  }

  /** Releases the pooled connections, also those of a connection still being set up. */
  @Override
  public void close() {
    api.close(EngineApi::close);
  }
}
