package io.lxcfsremount.docker;

import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The init PIDs and binds of listed containers, which only {@code GET /containers/ID/json} tells:
 * one request per container, a few in flight at once on pooled connections, so that a full node
 * costs a few round trips' worth of latency rather than one per container.
 */
final class Inspections {
  /** Inspects in flight at once: enough to hide the latency, few enough not to load dockerd. */
  static final int PARALLEL = 8;

  private Inspections() {}

  /**
   * What each container of {@code ids} is, in the same order; PID 0 for one that stopped or went
   * away since it was listed.
   */
  static List<EngineJson.Inspected> inspect(EngineApi engine, List<String> ids)
      throws RuntimeUnavailableException {
    if (ids.size() <= 1) {
      List<EngineJson.Inspected> inspected = new ArrayList<>();
      for (String id : ids) {
        inspected.add(inspect(engine, id));
      }
      return inspected;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(PARALLEL, ids.size()), Inspections::daemon);
    try {
      List<Future<EngineJson.Inspected>> futures = new ArrayList<>();
      for (String id : ids) {
        futures.add(pool.submit(() -> inspect(engine, id)));
      }
      List<EngineJson.Inspected> inspected = new ArrayList<>();
      for (Future<EngineJson.Inspected> one : futures) {
        inspected.add(one.get());
      }
      return inspected;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("inspecting Docker containers", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while inspecting Docker containers", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static EngineJson.Inspected inspect(EngineApi engine, String id)
      throws RuntimeUnavailableException {
    return engine
        .get("/containers/" + id + "/json", EngineJson::inspected)
        .orElse(EngineJson.Inspected.GONE);
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "docker-inspect");
    thread.setDaemon(true);
    return thread;
  }
}
