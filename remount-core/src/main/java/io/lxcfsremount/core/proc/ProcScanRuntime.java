package io.lxcfsremount.core.proc;

import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Containers without a runtime: every mount namespace on the host but the agent's own is one
 * "container", named after the command of its first process.
 */
public final class ProcScanRuntime implements ContainerRuntime {
  public static final String NAME = "proc";

  private final ProcFs proc;

  public ProcScanRuntime(ProcFs proc) {
    this.proc = proc;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String describe() {
    return "mount namespaces under /proc";
  }

  @Override
  public List<Container> runningContainers() throws RuntimeUnavailableException {
    try {
      List<Container> containers = new ArrayList<>();
      for (Map.Entry<Long, Long> entry :
          new MountNamespaceScan(proc).firstPidByNamespace().entrySet()) {
        containers.add(namespaceContainer(entry.getKey(), entry.getValue()));
      }
      return containers;
    } catch (IOException e) {
      throw new RuntimeUnavailableException("cannot scan /proc: " + e.getMessage(), e);
    }
  }

  /**
   * The container that stands for mount namespace {@code namespace}, first entered by {@code pid}.
   */
  public Container namespaceContainer(long namespace, long pid) {
    return new Container(NAME, "mnt:[" + namespace + "]", proc.command(pid), pid, null);
  }
}
