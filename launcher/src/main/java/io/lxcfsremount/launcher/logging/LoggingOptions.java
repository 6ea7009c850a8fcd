package io.lxcfsremount.launcher.logging;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The logging flags, the same for every command. */
public final class LoggingOptions {
  private final OptionSpec format =
      OptionSpec.builder("--log-format")
          .paramLabel("FORMAT")
          .type(LogFormat.class)
          .defaultValue("${env:LXCFS_REMOUNT_LOG_FORMAT:-plain}")
          .description(
              "Log lines on stderr: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; env"
                  + " LXCFS_REMOUNT_LOG_FORMAT).")
          .build();

  private final OptionSpec verbose =
      OptionSpec.builder("-v", "--verbose")
          .type(boolean.class)
          .defaultValue("${env:LXCFS_REMOUNT_VERBOSE:-false}")
          .description(
              "Log the details of every container (webhook: every pod, mutated or not) (env"
                  + " LXCFS_REMOUNT_VERBOSE).")
          .build();

  public void addTo(CommandSpec command) {
    command.addOption(format).addOption(verbose);
  }

  LogFormat format() {
    return format.getValue();
  }

  boolean verbose() {
    return verbose.getValue();
  }
}
