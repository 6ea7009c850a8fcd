package io.lxcfsremount.launcher;

import io.lxcfsremount.core.report.ReconcileReport;
import java.io.PrintStream;
import java.util.List;

/** Prints a pass's report in the chosen format and turns it into the exit code. */
final class Reports {
  private Reports() {}

  static int print(ReconcileReport report, CommonOptions.OutputFormat format, PrintStream out) {
    return print(report, List.of(), format, out);
  }

  /** The same, led by where the containers came from ({@code status} shows it). */
  static int print(
      ReconcileReport report,
      List<RuntimeDescription> runtimes,
      CommonOptions.OutputFormat format,
      PrintStream out) {
    if (format == CommonOptions.OutputFormat.JSON) {
      out.println(JsonReport.render(report, runtimes));
    } else {
      TableReport.print(report, runtimes, out);
    }
    out.flush();
    return report.summary().nothingDead() ? ExitCode.CLEAN : ExitCode.DEAD_MOUNTS;
  }
}
