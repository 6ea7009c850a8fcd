package io.lxcfsremount.launcher;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commands' {@code -h, --help} and {@code -V, --version}, as picocli's standard help options
 * would add them: those are declared with annotations, and every command is built in code.
 */
final class StandardHelp {
  private StandardHelp() {}

  static CommandSpec addTo(CommandSpec command) {
    return command
        .addOption(
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
