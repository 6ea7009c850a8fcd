package io.lxcfsremount.launcher;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --container}, for the commands that can be limited to some containers. */
final class ContainerSelection {
  private final TypedOption<List<String>> containers =
      TypedOption.repeatable(
          String.class,
          OptionSpec.builder("--container")
              .paramLabel("ID_OR_NAME")
              .description(
                  "Only this container: id or id prefix, name, pod (namespace/name) or PID. Repeatable."));

  void addTo(CommandSpec command) {
    command.addOption(containers.spec());
  }

  ContainerFilter filter() {
    List<String> named = containers.value();
    return new ContainerFilter(named == null ? List.of() : named);
  }
}
