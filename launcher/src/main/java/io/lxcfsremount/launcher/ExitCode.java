package io.lxcfsremount.launcher;

import io.lxcfsremount.core.report.ReconcileReport;

/** The exit codes of DESIGN.md. */
final class ExitCode {
  /** Nothing stale remains. */
  static final int CLEAN = 0;

  /** Something could not be repaired (or, for status, is stale). */
  static final int DEAD_MOUNTS = 1;

  /** Bad usage or configuration. */
  static final int USAGE = 2;

  /** No healthy lxcfs within --wait, or an lxcfs that does not answer at all. */
  static final int NO_LXCFS = 3;

  /** A failure the agent did not foresee (a bug, or a native library that will not load). */
  static final int UNEXPECTED = 4;

  private ExitCode() {}

  /** What a pass that left {@code report} says to the caller. */
  static int of(ReconcileReport report) {
    return report.summary().nothingDead() ? CLEAN : DEAD_MOUNTS;
  }
}
