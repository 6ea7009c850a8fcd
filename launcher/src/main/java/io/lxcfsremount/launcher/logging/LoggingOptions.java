package io.lxcfsremount.launcher.logging;

import picocli.CommandLine.Option;

/** The logging flags, the same for every command. */
public final class LoggingOptions {
  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:LXCFS_REMOUNT_LOG_FORMAT:-plain}",
      description =
          "Log lines on stderr: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LOG_FORMAT).")
  LogFormat format;

  @Option(
      names = {"-v", "--verbose"},
      defaultValue = "${env:LXCFS_REMOUNT_VERBOSE:-false}",
      description =
          "Log the details of every container (webhook: every pod, mutated or not) (env"
              + " LXCFS_REMOUNT_VERBOSE).")
  boolean verbose;
}
