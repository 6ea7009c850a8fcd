package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.report.Summary;
import io.lxcfsremount.core.watch.WatchListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/** The agent's Prometheus metrics, all prefixed {@code lxcfs_remount_} (DESIGN.md). */
public final class AgentMetrics implements WatchListener {
  /** What became of the dead mounts a pass handled. */
  private static final List<MountState> REPAIR_RESULTS =
      List.of(
          MountState.REPAIRED,
          MountState.STACKED,
          MountState.ATTACHED,
          MountState.FAILED,
          MountState.SKIPPED);

  private static final double[] SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge lxcfsUp =
      Gauge.builder()
          .name("lxcfs_remount_lxcfs_up")
          .help("1 when lxcfs is mounted and answers")
          .register(registry);
  private final Counter generationChanges =
      Counter.builder()
          .name("lxcfs_remount_lxcfs_generation_changes_total")
          .help("New lxcfs mounts (restarts) seen since the agent started")
          .register(registry);
  private final Gauge mounts =
      Gauge.builder()
          .name("lxcfs_remount_mounts")
          .help("lxcfs mounts in containers by state, after the last pass")
          .labelNames("state")
          .register(registry);
  private final Counter repairs =
      Counter.builder()
          .name("lxcfs_remount_repairs_total")
          .help("Dead lxcfs mounts handled, by result")
          .labelNames("result")
          .register(registry);
  private final Histogram recovery =
      Histogram.builder()
          .name("lxcfs_remount_recovery_seconds")
          .help("From a new lxcfs seen to every container repaired")
          .classicUpperBounds(SECONDS)
          .classicOnly()
          .register(registry);
  private final Histogram reconcile =
      Histogram.builder()
          .name("lxcfs_remount_reconcile_seconds")
          .help("Duration of repair passes")
          .classicUpperBounds(SECONDS)
          .classicOnly()
          .register(registry);

  /**
   * @param stuckProbes lxcfs probes (of its health, and of dead connections) given up on and still
   *     stuck in a wedged lxcfs
   * @param stuckNamespaceThreads namespace threads given up on and still stuck in a container's or
   *     the lxcfs process's mount namespace
   */
  public AgentMetrics(IntSupplier stuckProbes, IntSupplier stuckNamespaceThreads) {
    GaugeWithCallback.builder()
        .name("lxcfs_remount_stuck_probe_threads")
        .help("lxcfs probes given up on that are still stuck in a wedged lxcfs")
        .callback(callback -> callback.call(stuckProbes.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lxcfs_remount_stuck_namespace_threads")
        .help("Namespace threads given up on that are still stuck in a mount namespace")
        .callback(callback -> callback.call(stuckNamespaceThreads.getAsInt()))
        .register(registry);
    lxcfsUp.set(0);
    for (MountState state : MountState.values()) {
      mounts.labelValues(state.label()).set(0);
    }
    for (MountState result : REPAIR_RESULTS) {
      repairs.labelValues(result.label()).inc(0);
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void lxcfsObserved(Optional<Lxcfs> lxcfs) {
    lxcfsUp.set(lxcfs.isPresent() && lxcfs.get().healthy() ? 1 : 0);
  }

  @Override
  public void generationChanged(Device from, Device to) {
    if (from != null) {
      generationChanges.inc();
    }
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recoveryTime) {
    Summary summary = report.summary();
    for (MountState state : MountState.values()) {
      mounts.labelValues(state.label()).set(summary.count(state));
    }
    for (MountState result : REPAIR_RESULTS) {
      repairs.labelValues(result.label()).inc(summary.count(result));
    }
    reconcile.observe(seconds(report.elapsed()));
    if (recoveryTime != null) {
      recovery.observe(seconds(recoveryTime));
    }
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
