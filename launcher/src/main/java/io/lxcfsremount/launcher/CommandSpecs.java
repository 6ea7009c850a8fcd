package io.lxcfsremount.launcher;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commands as picocli sees them, built in code ({@link Main}), each with {@code -h, --help} and
 * {@code -V, --version} as picocli's standard help options would add them (those are declared with
 * annotations).
 */
final class CommandSpecs {
  private CommandSpecs() {}

  /**
   * @param command what runs it: a {@code Runnable} or {@code Callable}, not inspected for
   *     annotations
   */
  static CommandSpec of(Object command, String name, String description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description);
    return spec.addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .type(boolean.class)
                .description("Show this help message and exit.")
                .build())
        .addOption(
            OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .type(boolean.class)
                .description("Print version information and exit.")
                .build());
  }
}
