package io.lxcfsremount.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The Docker containers the deploy tests repair: busybox without a network, limited to 64 MiB, with
 * lxcfs's meminfo bound read-write and its cpuinfo read-only. {@link #close()} removes them.
 */
final class LimitedContainers implements Iterable<DockerContainer>, AutoCloseable {
  private static final String LIMITED_MEMINFO = "MemTotal:          65536 kB";

  private final List<DockerContainer> containers = new ArrayList<>();

  /** Starts {@code count} more on the lxcfs mounted at {@code lxcfsDir}. */
  void start(int count, Path lxcfsDir) {
    for (int i = 0; i < count; i++) {
      containers.add(
          DockerContainer.run(
              "--network",
              "none",
              "-m",
              "64m",
              "-v",
              lxcfsDir.resolve("proc/meminfo") + ":/proc/meminfo",
              "-v",
              lxcfsDir.resolve("proc/cpuinfo") + ":/proc/cpuinfo:ro",
              "local/busybox:1"));
    }
  }

  DockerContainer get(int index) {
    return containers.get(index);
  }

  /** {@code --container PID} for each: the machine is shared, so commands stay on these. */
  List<String> filterArguments() {
    List<String> arguments = new ArrayList<>();
    for (DockerContainer container : containers) {
      arguments.addAll(List.of("--container", Long.toString(container.pid())));
    }
    return arguments;
  }

  /** Whether each reads its own 64 MiB limit in its /proc/meminfo, as a user would check. */
  boolean allLimited() {
    for (DockerContainer container : containers) {
      if (!container.exec("head", "-1", "/proc/meminfo").stdout().startsWith(LIMITED_MEMINFO)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Iterator<DockerContainer> iterator() {
    return containers.iterator();
  }

  @Override
  public void close() {
    containers.forEach(DockerContainer::close);
    containers.clear();
  }
}
