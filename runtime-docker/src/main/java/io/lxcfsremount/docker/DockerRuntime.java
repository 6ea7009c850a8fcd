package io.lxcfsremount.docker;

import io.lxcfsremount.core.Container;
import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The containers of a Docker Engine, through its API: running and paused ones, each with its init
 * PID, name, full id and, for containers kubelet created through a Docker shim (cri-dockerd), its
 * pod.
 *
 * <p>The container list does not carry the PID, so every listed container is inspected; the
 * inspects run side by side on pooled connections, so a pass over a full node costs a few round
 * trips' worth of latency rather than one per container. Close the runtime to release them.
 */
public final class DockerRuntime implements ContainerRuntime, AutoCloseable {
  public static final String NAME = "docker";

  /** Inspects in flight at once: enough to hide the latency, few enough not to load dockerd. */
  private static final int PARALLEL_INSPECTS = 8;

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
      EngineApi reached = new EngineApi(host, PARALLEL_INSPECTS);
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
    if (listed.size() <= 1) {
      List<Container> containers = new ArrayList<>();
      for (EngineJson.Listed one : listed) {
        containers.add(container(one, pid(engine, one.id())));
      }
      return containers;
    }
    return inspectInParallel(engine, listed);
  }

  private List<Container> inspectInParallel(EngineApi engine, List<EngineJson.Listed> listed)
      throws RuntimeUnavailableException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL_INSPECTS, listed.size()),
            task -> {
              Thread thread = new Thread(task, "docker-inspect");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<Long>> pids = new ArrayList<>();
      for (EngineJson.Listed one : listed) {
        pids.add(pool.submit(() -> pid(engine, one.id())));
      }
      List<Container> containers = new ArrayList<>();
      for (int i = 0; i < listed.size(); i++) {
        containers.add(container(listed.get(i), pids.get(i).get()));
      }
      return containers;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("inspecting the containers of Docker at " + host, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while asking Docker at " + host, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The host PID of the container's init, or 0 once it has stopped or is gone. */
  private static long pid(EngineApi engine, String id) throws RuntimeUnavailableException {
    return engine.get("/containers/" + id + "/json", EngineJson::pid).orElse(0L);
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

  private static Container container(EngineJson.Listed listed, long pid) {
    return new Container(
        NAME,
        listed.id(),
        ContainerNames.primary(listed.names(), listed.id()),
        pid,
        PodLabels.podOf(listed.labels()));
  }

  /** Releases the pooled connections, also those of a connection still being set up. */
  @Override
  public void close() {
    api.thenAccept(EngineApi::close);
  }
}
