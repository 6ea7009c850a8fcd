package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The init PIDs of containers, found in /proc by their cgroups ({@link CgroupContainerId}) instead
 * of asking their runtime about each one: one read of every process's {@code cgroup}, and of the
 * {@code stat} of those in a container. It needs no container id to start with, so that a runtime
 * can run it while its list request is on its way.
 *
 * <p>A container's cgroup may hold several processes: its init, the init's descendants, and
 * processes started in it later ({@code docker exec}, a CRI exec), which the runtime's shim adopts
 * as it adopted the init. Its init is the process of the container whose parent is not in it, and
 * of those (an exec's parent is outside too) the one that started first. A container whose init
 * cannot be told (no process of it seen, two started in the same clock tick) is left out, for its
 * runtime to be asked.
 *
 * <p>A PID found here is as good as one the runtime gives: both are read at one moment and may be
 * reused by the time the pass acts. The pass pins each PID with a pidfd and checks that the process
 * is still in the mount namespace it read before it enters it, whichever source named the PID; that
 * check is what makes either safe, and it stays.
 */
public final class ContainerInits {
  private final ProcFs proc;

  public ContainerInits(ProcFs proc) {
    this.proc = proc;
  }

  /**
   * The init PID of every container /proc shows whose init can be told, by container id, whatever
   * its runtime. Processes that exit while /proc is read are left out; a /proc that cannot be
   * listed shows nothing, and the runtime is then asked about every container.
   */
  public Map<String, Long> scan() {
    List<Long> pids;
    try {
      pids = proc.pids();
    } catch (IOException e) {
      return Map.of();
    }
    Map<Long, String> containerOf = new HashMap<>();
    ProcessFiles files = new ProcessFiles(proc.root());
    for (long pid : pids) {
      int length = files.read(pid, "cgroup");
      Optional<String> id =
          length > 0 ? CgroupContainerId.parse(files.bytes(), length) : Optional.empty();
      if (id.isPresent()) {
        containerOf.put(pid, id.get());
      }
    }
    Map<String, List<ProcessStat>> roots = new HashMap<>();
    for (Map.Entry<Long, String> member : containerOf.entrySet()) {
      Optional<ProcessStat> stat = files.stat(member.getKey());
      if (stat.isPresent() && !member.getValue().equals(containerOf.get(stat.get().parent()))) {
        roots.computeIfAbsent(member.getValue(), id -> new ArrayList<>()).add(stat.get());
      }
    }
    Map<String, Long> inits = new HashMap<>();
    for (Map.Entry<String, List<ProcessStat>> container : roots.entrySet()) {
      Optional<Long> init = firstStarted(container.getValue());
      if (init.isPresent()) {
        inits.put(container.getKey(), init.get());
      }
    }
    return inits;
  }

  /**
   * Starts a {@link #scan()} on a thread of its own and returns at once, so that a runtime's list
   * request and the scan take the time of the slower, not of both.
   */
  public CompletableFuture<Map<String, Long>> scanMeanwhile() {
    return OwnThread.supply("proc-scan", this::scan);
  }

  /** The one process that started first, unless two share that clock tick. */
  private static Optional<Long> firstStarted(List<ProcessStat> candidates) {
    ProcessStat first = null;
    boolean tie = false;
    for (ProcessStat candidate : candidates) {
      if (first == null || candidate.startTime() < first.startTime()) {
        first = candidate;
        tie = false;
      } else if (candidate.startTime() == first.startTime()) {
        tie = true;
      }
    }
    return first == null || tie ? Optional.empty() : Optional.of(first.pid());
  }
}
