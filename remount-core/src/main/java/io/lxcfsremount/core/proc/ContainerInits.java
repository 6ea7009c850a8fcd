package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The init PIDs of containers, found in /proc by their cgroups ({@link CgroupContainerId}) instead
 * of asking their runtime about each one: one read of every process's {@code cgroup}, and of the
 * {@code stat} of those in a container asked about.
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
   * The init PID of each container of {@code ids} that /proc shows, by id; the others are missing
   * from the answer. Processes that exit while /proc is read are left out.
   *
   * @throws IOException when /proc itself cannot be listed
   */
  public Map<String, Long> find(Set<String> ids) throws IOException {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<Long, String> containerOf = new HashMap<>();
    for (long pid : proc.pids()) {
      read(pid, "cgroup")
          .flatMap(CgroupContainerId::parse)
          .filter(ids::contains)
          .ifPresent(id -> containerOf.put(pid, id));
    }
    Map<String, List<ProcessStat>> roots = new HashMap<>();
    for (Map.Entry<Long, String> member : containerOf.entrySet()) {
      Optional<ProcessStat> stat = stat(member.getKey());
      if (stat.isPresent() && !member.getValue().equals(containerOf.get(stat.get().parent()))) {
        roots.computeIfAbsent(member.getValue(), id -> new ArrayList<>()).add(stat.get());
      }
    }
    Map<String, Long> inits = new HashMap<>();
    roots.forEach(
        (id, candidates) -> firstStarted(candidates).ifPresent(pid -> inits.put(id, pid)));
    return inits;
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

  private Optional<ProcessStat> stat(long pid) {
    try {
      return read(pid, "stat").map(line -> ProcessStat.parse(pid, line));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The file of a process, or empty when the process is gone (or hidden from the agent). */
  private Optional<String> read(long pid, String file) {
    Path path = proc.root().resolve(Long.toString(pid)).resolve(file);
    try {
      return Optional.of(Files.readString(path));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
