package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import io.lxcfsremount.launcher.report.TableReport;
import java.time.Duration;
import java.util.Optional;

/**
 * Ready means: lxcfs is healthy, and the last pass ran and left nothing it could repair unrepaired.
 * Until the first pass, not ready; after a pass that could not run (a runtime named by {@code
 * --runtime} that did not answer, say), not ready until one does.
 */
public final class Readiness implements WatchListener {
  private volatile String notReady = "no repair pass yet";
  private volatile String lxcfsProblem = "lxcfs not seen yet";

  @Override
  public void lxcfsObserved(Optional<Lxcfs> lxcfs) {
    lxcfsProblem =
        lxcfs.isEmpty()
            ? "lxcfs is not mounted"
            : !lxcfs.get().answering()
                ? "lxcfs is not answering: " + lxcfs.get().problem()
                : lxcfs.get().healthy() ? null : "lxcfs is not healthy: " + lxcfs.get().problem();
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    notReady =
        report.summary().nothingDead()
            ? null
            : "the last pass left dead lxcfs mounts: " + TableReport.summary(report);
  }

  @Override
  public void passFailed(Exception cause) {
    notReady = "the last pass could not run: " + cause.getMessage();
  }

  /** Why the agent is not ready, or empty when it is. */
  Optional<String> whyNotReady() {
    String problem = lxcfsProblem;
    return Optional.ofNullable(problem != null ? problem : notReady);
  }
}
