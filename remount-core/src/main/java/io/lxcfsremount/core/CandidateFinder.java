package io.lxcfsremount.core;

import io.lxcfsremount.core.proc.MountNamespaceScan;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.proc.ProcScanRuntime;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Step 2 of the reconcile pass: the mount namespaces to look at, each with its container. Runtimes
 * name the containers; the /proc scan finds the namespaces they did not claim: a namespace whose
 * processes share a container's PID namespace belongs to that container, the rest stand alone (when
 * asked for). A runtime that cannot be reached is a warning, not a failure: the others still count.
 */
public final class CandidateFinder {
  private final ProcFs proc;
  private final List<ContainerRuntime> runtimes;
  private final boolean includeUnclaimed;
  private final RuntimeCalls calls;

  /**
   * @param runtimes the first to claim a namespace, in this order, names it
   * @param includeUnclaimed whether namespaces of no runtime's container are candidates too
   * @param calls how the runtimes are asked (shared with whoever else asks them, so that a runtime
   *     found wedged is not waited for again at once)
   */
  public CandidateFinder(
      ProcFs proc, List<ContainerRuntime> runtimes, boolean includeUnclaimed, RuntimeCalls calls) {
    this.proc = proc;
    this.runtimes = List.copyOf(runtimes);
    this.includeUnclaimed = includeUnclaimed;
    this.calls = calls;
  }

  /** The candidates, and a warning for each runtime that could not be asked. */
  public record Candidates(List<Candidate> candidates, List<String> warnings) {}

  /**
   * @throws IncompletePassException when a runtime was not asked or did not answer and the scan
   *     does not stand in for it
   * @throws IOException when /proc cannot be read
   */
  public Candidates find() throws IOException {
    List<String> warnings = new ArrayList<>();
    Map<Long, Candidate> byNamespace = new LinkedHashMap<>();
    List<Candidate> exited = new ArrayList<>();
    OptionalLong own = proc.mountNamespace("self");
    CompletableFuture<Map<Long, Long>> namespaces =
        new MountNamespaceScan(proc).firstPidByNamespaceMeanwhile();
    for (RuntimeCalls.Answer<List<Container>> answer :
        calls.ask(runtimes, ContainerRuntime::runningContainers)) {
      if (!answer.answered()) {
        String warning = answer.runtime().name() + ": " + answer.failure().getMessage();
        if (!includeUnclaimed) {
          throw new IncompletePassException(
              warning + "; its containers are unknown", answer.failure());
        }
        warnings.add(warning);
        continue;
      }
      for (Container container : answer.value()) {
        OptionalLong namespace = proc.mountNamespace(Long.toString(container.pid()));
        if (namespace.isEmpty()) {
          exited.add(Candidate.exited(container, container.pid()));
        } else if (!namespace.equals(own)) {
          byNamespace.putIfAbsent(
              namespace.getAsLong(),
              Candidate.in(container, container.pid(), namespace.getAsLong()));
        }
      }
    }
    addUnclaimed(byNamespace, swept(namespaces));
    List<Candidate> candidates = new ArrayList<>(byNamespace.values());
    candidates.addAll(exited);
    return new Candidates(candidates, warnings);
  }

  /** The namespace sweep's answer, or the IOException it met. */
  private static Map<Long, Long> swept(CompletableFuture<Map<Long, Long>> namespaces)
      throws IOException {
    try {
      return namespaces.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException unreadable) {
        throw unreadable.getCause();
      }
      throw e;
    }
  }

  /**
   * @param namespaces the first PID of every mount namespace but the agent's, by namespace
   */
  private void addUnclaimed(Map<Long, Candidate> byNamespace, Map<Long, Long> namespaces) {
    Map<Long, Container> ownerByPidNamespace = containersByPidNamespace(byNamespace.values());
    ProcScanRuntime scan = new ProcScanRuntime(proc);
    for (Map.Entry<Long, Long> entry : namespaces.entrySet()) {
      long namespace = entry.getKey();
      long pid = entry.getValue();
      if (byNamespace.containsKey(namespace)) {
        continue;
      }
      Container owner = ownerByPidNamespace.isEmpty() ? null : ownerOf(pid, ownerByPidNamespace);
      if (owner != null) {
        byNamespace.put(namespace, Candidate.in(owner, pid, namespace));
      } else if (includeUnclaimed) {
        byNamespace.put(
            namespace, Candidate.in(scan.namespaceContainer(namespace, pid), pid, namespace));
      }
    }
  }

  private Container ownerOf(long pid, Map<Long, Container> ownerByPidNamespace) {
    OptionalLong pidNamespace = proc.pidNamespace(Long.toString(pid));
    return pidNamespace.isPresent() ? ownerByPidNamespace.get(pidNamespace.getAsLong()) : null;
  }

  /**
   * The containers by their PID namespace, which every process of a container shares (also those
   * started by {@code docker exec}, which are not children of its init), except the agent's own.
   */
  private Map<Long, Container> containersByPidNamespace(Iterable<Candidate> claimed) {
    OptionalLong own = proc.pidNamespace("self");
    Map<Long, Container> owners = new HashMap<>();
    for (Candidate candidate : claimed) {
      OptionalLong pidNamespace = proc.pidNamespace(Long.toString(candidate.pid()));
      if (pidNamespace.isPresent() && !pidNamespace.equals(own)) {
        owners.putIfAbsent(pidNamespace.getAsLong(), candidate.container());
      }
    }
    return owners;
  }
}
