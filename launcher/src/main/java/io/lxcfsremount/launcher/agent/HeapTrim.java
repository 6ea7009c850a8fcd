package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Duration;

/**
 * Gives the heap a pass needed back once the watcher goes back to sleep. The serial collector
 * returns memory to the system only after a full collection, and an agent that sits idle for hours
 * after a pass over a thousand containers should not keep that pass's peak. Passes are rare; this
 * costs milliseconds, once per wake-up: a recovery and the full pass after it are collected
 * together, not with the full pass waiting.
 */
public final class HeapTrim implements WatchListener {
  private final Runnable fullCollection;
  private boolean passed;

  /** Trims with {@link System#gc()}. */
  public HeapTrim() {
    this(System::gc);
  }

  HeapTrim(Runnable fullCollection) {
    this.fullCollection = fullCollection;
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    passed = true;
  }

  @Override
  public void asleep() {
    if (passed) {
      passed = false;
      fullCollection.run();
    }
  }
}
