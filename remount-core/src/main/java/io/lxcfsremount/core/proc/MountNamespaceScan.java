package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Finds every mount namespace on the host that is not the agent's own, by reading /proc/PID/ns/mnt.
 */
public final class MountNamespaceScan {
  private final ProcFs proc;

  public MountNamespaceScan(ProcFs proc) {
    this.proc = proc;
  }

  /**
   * The lowest PID in each mount namespace other than the agent's, by namespace inode, in PID
   * order. Processes that exit while the scan runs are left out.
   */
  public Map<Long, Long> firstPidByNamespace() throws IOException {
    OptionalLong own = proc.mountNamespace("self");
    Map<Long, Long> firstPid = new LinkedHashMap<>();
    for (long pid : proc.pids()) {
      OptionalLong namespace = proc.mountNamespace(Long.toString(pid));
      if (namespace.isPresent() && !namespace.equals(own)) {
        firstPid.putIfAbsent(namespace.getAsLong(), pid);
      }
    }
    return firstPid;
  }

  /**
   * Starts {@link #firstPidByNamespace()} on a thread of its own and returns at once, so that a
   * pass sweeps /proc while the runtimes answer rather than after them: on a node of thousands of
   * processes the sweep takes tens of milliseconds. Where the sweep would throw, the future fails
   * with an {@link UncheckedIOException}.
   */
  public CompletableFuture<Map<Long, Long>> firstPidByNamespaceMeanwhile() {
    return OwnThread.supply(
        "namespace-scan",
        () -> {
          try {
            return firstPidByNamespace();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
