package io.lxcfsremount.docker;

import io.lxcfsremount.core.Container;
import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The containers of a Docker Engine, through its API: running and paused ones, each with its init
 * PID (from an inspect, see {@link Inspections}), name, full id and, for containers kubelet created
 * through a Docker shim (cri-dockerd), its pod. Close the runtime to release its connections.
 */
public final class DockerRuntime implements ContainerRuntime, AutoCloseable {
  public static final String NAME = "docker";

  private final DockerHost host;
  private final CompletableFuture<EngineApi> api = new CompletableFuture<>();
  private final CompletableFuture<String> description = new CompletableFuture<>();

  private DockerRuntime(DockerHost host) {
    this.host = host;
  }

  /**
   * A runtime for the Engine at {@code host}, which it starts to reach at once, in the background:
   * setting up the transport costs a fresh JVM some 0.2 s (httpclient5 prepares TLS even for a unix
   * socket), time the caller can spend on its own start-up meanwhile. The Engine's version is asked
   * right away too, so that {@link #describe()}, the check that it answers, rarely waits. Only
   * {@code host} counts; DOCKER_* variables and Docker CLI contexts are not read.
   */
  public static DockerRuntime connect(DockerHost host) {
    DockerRuntime docker = new DockerRuntime(host);
    Thread connect = new Thread(docker::reach, "docker-connect");
    connect.setDaemon(true);
    connect.start();
    return docker;
  }

  private void reach() {
    try {
      EngineApi reached = new EngineApi(host, Inspections.PARALLEL);
      api.complete(reached);
      String version = reached.get("/version", EngineJson::version).orElse("unknown");
      description.complete(NAME + " " + version + " at " + host);
    } catch (RuntimeUnavailableException | RuntimeException e) {
      api.completeExceptionally(e);
      description.completeExceptionally(e);
    }
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
    return await(description);
  }

  /**
   * The running containers, paused ones included. A container that stops between the list and its
   * inspect is still returned, with PID 0: the pass then reports it as skipped (process exited).
   *
   * @throws RuntimeUnavailableException when the Engine does not answer, naming the endpoint
   */
  @Override
  public List<Container> runningContainers() throws RuntimeUnavailableException {
    EngineApi engine = await(api);
    List<EngineJson.Listed> listed =
        engine.get("/containers/json", EngineJson::containers).orElse(List.of());
    List<EngineJson.Inspected> inspected =
        Inspections.inspect(engine, listed.stream().map(EngineJson.Listed::id).toList());
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      EngineJson.Listed one = listed.get(i);
      String name = ContainerNames.primary(one.names(), one.id());
      containers.add(
          new Container(
              NAME,
              one.id(),
              name,
              inspected.get(i).pid(),
              PodLabels.podOf(one.labels()),
              inspected.get(i).binds()));
    }
    return containers;
  }

  private <T> T await(CompletableFuture<T> reached) throws RuntimeUnavailableException {
    try {
      return reached.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("connecting to Docker at " + host, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while connecting to Docker at " + host, e);
    }
  }

  @Override
  public String toString() {
    return "Docker at " + host;
  }

  /** Releases the pooled connections, also those of a connection still being set up. */
  @Override
  public void close() {
    api.thenAccept(EngineApi::close);
  }
}
