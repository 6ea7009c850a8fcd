package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Duration;

/**
 * Gives the heap a pass needed back once it is over. The serial collector returns memory to the
 * system only after a full collection, and an agent that sits idle for hours after a pass over a
 * thousand containers should not keep that pass's peak. Passes are rare; this costs milliseconds.
 */
public final class HeapTrim implements WatchListener {

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    System.gc();
  }
}
