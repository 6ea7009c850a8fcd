package io.lxcfsremount.launcher;

import io.lxcfsremount.core.report.ReconcileReport;
import java.io.PrintStream;

/** Prints a pass's report in the chosen format and turns it into the exit code. */
final class Reports {
  private Reports() {}

  static int print(ReconcileReport report, CommonOptions.OutputFormat format, PrintStream out) {
    if (format == CommonOptions.OutputFormat.JSON) {
      out.println(JsonReport.render(report));
    } else {
      TableReport.print(report, out);
    }
    out.flush();
    return report.summary().nothingDead() ? ExitCode.CLEAN : ExitCode.DEAD_MOUNTS;
  }
}
