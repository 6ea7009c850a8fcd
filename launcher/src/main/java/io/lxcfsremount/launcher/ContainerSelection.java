package io.lxcfsremount.launcher;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --container}, for the commands that can be limited to some containers. */
final class ContainerSelection {

  @Option(
      names = "--container",
      paramLabel = "ID_OR_NAME",
      description =
          "Only this container: id or id prefix, name, pod (namespace/name) or PID. Repeatable.")
  List<String> containers = new ArrayList<>();

  ContainerFilter filter() {
    return new ContainerFilter(containers);
  }
}
