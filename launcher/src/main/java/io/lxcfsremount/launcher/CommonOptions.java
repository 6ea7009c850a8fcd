package io.lxcfsremount.launcher;

import io.lxcfsremount.launcher.logging.LoggingOptions;
import io.lxcfsremount.launcher.report.ReportFormat;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The flags every command takes. Each also reads from an LXCFS_REMOUNT_* environment variable. */
final class CommonOptions {

  /** Where containers come from. */
  enum RuntimeChoice {
    AUTO,
    DOCKER,
    CRI,
    PROC
  }

  final TypedOption<String> lxcfsDir = lxcfsDir("Where lxcfs is mounted");

  // lxcfs answers a stat in microseconds even under load; a wedged one (stopped, looping) never.
  final TypedOption<Duration> lxcfsTimeout =
      TypedOption.of(
          Duration.class,
          OptionSpec.builder("--lxcfs-timeout")
              .paramLabel("DURATION")
              .defaultValue("${env:LXCFS_REMOUNT_LXCFS_TIMEOUT:-3s}")
              .description(
                  "How long lxcfs may take to answer a probe before it counts as not answering"
                      + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LXCFS_TIMEOUT)."));

  final TypedOption<RuntimeChoice> runtime =
      TypedOption.of(
          RuntimeChoice.class,
          OptionSpec.builder("--runtime")
              .paramLabel("RUNTIME")
              .defaultValue("${env:LXCFS_REMOUNT_RUNTIME:-auto}")
              .description(
                  "Where containers come from: ${COMPLETION-CANDIDATES}. auto uses every runtime that"
                      + " answers, the CRI runtimes first, then Docker, and scans /proc for every other"
                      + " mount namespace (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_RUNTIME)."));

  final TypedOption<String> dockerHost =
      TypedOption.of(
          String.class,
          OptionSpec.builder("--docker-host")
              .paramLabel("URL")
              .defaultValue(
                  "${env:LXCFS_REMOUNT_DOCKER_HOST:-${env:DOCKER_HOST:-unix:///var/run/docker.sock}}")
              .description(
                  "The Docker Engine API (env LXCFS_REMOUNT_DOCKER_HOST, else DOCKER_HOST;"
                      + " default: ${DEFAULT-VALUE})."));

  final TypedOption<ReportFormat> output =
      TypedOption.of(
          ReportFormat.class,
          OptionSpec.builder("--output")
              .paramLabel("FORMAT")
              .defaultValue("${env:LXCFS_REMOUNT_OUTPUT:-table}")
              .description(
                  "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; env"
                      + " LXCFS_REMOUNT_OUTPUT)."));

  private final LoggingOptions logging = new LoggingOptions();

  final TypedOption<StrategyChoice> strategy =
      TypedOption.of(
          StrategyChoice.class,
          OptionSpec.builder("--strategy")
              .paramLabel("STRATEGY")
              .defaultValue("${env:LXCFS_REMOUNT_STRATEGY:-auto}")
              .description(
                  "How to re-bind: auto (the best the kernel allows), atomic-swap, detach-attach or"
                      + " classic (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_STRATEGY)."));

  // More than the CPUs: a container's repair mostly sleeps in the kernel (each detach waits for an
  // RCU grace period), and concurrent detaches share grace periods.
  final TypedOption<Integer> parallelism =
      TypedOption.of(
          int.class,
          OptionSpec.builder("--parallelism")
              .paramLabel("N")
              .defaultValue("${env:LXCFS_REMOUNT_PARALLELISM:-16}")
              .description(
                  "Containers handled at once (default: ${DEFAULT-VALUE}; env"
                      + " LXCFS_REMOUNT_PARALLELISM)."));

  final TypedOption<String> criEndpoint =
      TypedOption.of(
          String.class,
          OptionSpec.builder("--cri-endpoint")
              .paramLabel("ENDPOINT")
              .defaultValue("${env:LXCFS_REMOUNT_CRI_ENDPOINT}")
              .description(
                  "The CRI runtime's socket, unix:///PATH (default: the standard sockets of containerd,"
                      + " CRI-O and cri-dockerd; env LXCFS_REMOUNT_CRI_ENDPOINT)."));

  /** {@code --lxcfs-dir}, described as {@code where}: here, or (the webhook's) on the nodes. */
  static TypedOption<String> lxcfsDir(String where) {
    return TypedOption.of(
        String.class,
        OptionSpec.builder("--lxcfs-dir")
            .paramLabel("DIR")
            .defaultValue("${env:LXCFS_REMOUNT_LXCFS_DIR:-/var/lib/lxcfs}")
            .description(where + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LXCFS_DIR)."));
  }

  void addTo(CommandSpec command) {
    TypedOption.addTo(
        command,
        lxcfsDir,
        lxcfsTimeout,
        runtime,
        dockerHost,
        output,
        strategy,
        parallelism,
        criEndpoint);
    logging.addTo(command);
  }

  LoggingOptions logging() {
    return logging;
  }
}
