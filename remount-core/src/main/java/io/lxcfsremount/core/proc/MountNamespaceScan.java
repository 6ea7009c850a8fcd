package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

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
}
