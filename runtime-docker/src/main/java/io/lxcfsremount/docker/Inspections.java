package io.lxcfsremount.docker;

import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The init PIDs of listed containers that only {@code GET /containers/ID/json} can tell (those
 * /proc did not show): one request per container, a few in flight at once on pooled connections, so
 * that many cost a few round trips' worth of latency rather than one per container.
 */
final class Inspections {
  /** Inspects in flight at once: enough to hide the latency, few enough not to load dockerd. */
  static final int PARALLEL = 8;

  private Inspections() {}

  /**
   * The init PID of each container of {@code ids}, by id; 0 for one that stopped or went away since
   * it was listed.
   */
  static Map<String, Long> pids(EngineApi engine, List<String> ids)
      throws RuntimeUnavailableException {
    Map<String, Long> pids = new HashMap<>();
    if (ids.size() <= 1) {
      for (String id : ids) {
        pids.put(id, pid(engine, id));
      }
      return pids;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL, ids.size()), DaemonThreads.named("docker-inspect"));
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (String id : ids) {
        futures.add(pool.submit(() -> pid(engine, id)));
      }
      for (int i = 0; i < ids.size(); i++) {
        pids.put(ids.get(i), futures.get(i).get());
      }
      return pids;
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

  private static long pid(EngineApi engine, String id) throws RuntimeUnavailableException {
    return engine.get("/containers/" + id + "/json", EngineJson::inspectedPid).orElse(0L);
  }
}
