package io.lxcfsremount.launcher;

import io.lxcfsremount.launcher.logging.LoggingOptions;
import io.lxcfsremount.launcher.report.ReportFormat;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags every command takes. Each also reads from an LXCFS_REMOUNT_* environment variable. */
final class CommonOptions {

  /** Where containers come from. */
  enum RuntimeChoice {
    AUTO,
    DOCKER,
    CRI,
    PROC
  }

  @Option(
      names = "--lxcfs-dir",
      paramLabel = "DIR",
      defaultValue = "${env:LXCFS_REMOUNT_LXCFS_DIR:-/var/lib/lxcfs}",
      description =
          "Where lxcfs is mounted (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LXCFS_DIR).")
  String lxcfsDir;

  // lxcfs answers a stat in microseconds even under load; a wedged one (stopped, looping) never.
  @Option(
      names = "--lxcfs-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:LXCFS_REMOUNT_LXCFS_TIMEOUT:-3s}",
      converter = DurationConverter.class,
      description =
          "How long lxcfs may take to answer a probe before it counts as not answering"
              + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_LXCFS_TIMEOUT).")
  Duration lxcfsTimeout;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      defaultValue = "${env:LXCFS_REMOUNT_RUNTIME:-auto}",
      description =
          "Where containers come from: ${COMPLETION-CANDIDATES}. auto uses every runtime that"
              + " answers, the CRI runtimes first, then Docker, and scans /proc for every other"
              + " mount namespace (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_RUNTIME).")
  RuntimeChoice runtime;

  @Option(
      names = "--docker-host",
      paramLabel = "URL",
      defaultValue =
          "${env:LXCFS_REMOUNT_DOCKER_HOST:-${env:DOCKER_HOST:-unix:///var/run/docker.sock}}",
      description =
          "The Docker Engine API (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_DOCKER_HOST, else"
              + " DOCKER_HOST).")
  String dockerHost;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "${env:LXCFS_REMOUNT_OUTPUT:-table}",
      description =
          "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_OUTPUT).")
  ReportFormat output;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--strategy",
      paramLabel = "STRATEGY",
      defaultValue = "${env:LXCFS_REMOUNT_STRATEGY:-auto}",
      converter = StrategyChoice.Converter.class,
      description =
          "How to re-bind: auto (the best the kernel allows), atomic-swap, detach-attach or classic"
              + " (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_STRATEGY).")
  StrategyChoice strategy;

  // More than the CPUs: a container's repair mostly sleeps in the kernel (each detach waits for an
  // RCU grace period), and concurrent detaches share grace periods.
  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${env:LXCFS_REMOUNT_PARALLELISM:-16}",
      description =
          "Containers handled at once (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_PARALLELISM).")
  int parallelism;

  @Option(
      names = "--cri-endpoint",
      paramLabel = "ENDPOINT",
      defaultValue = "${env:LXCFS_REMOUNT_CRI_ENDPOINT}",
      description =
          "The CRI runtime's socket, unix:///PATH (default: the standard sockets of containerd, CRI-O"
              + " and cri-dockerd; env LXCFS_REMOUNT_CRI_ENDPOINT).")
  String criEndpoint;
}
