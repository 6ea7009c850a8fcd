package io.lxcfsremount.launcher.report;

import io.lxcfsremount.core.report.ReconcileReport;
import java.io.PrintStream;
import java.util.List;

/** Prints a pass's report in the chosen format. */
public final class Reports {
  private Reports() {}

  public static void print(ReconcileReport report, ReportFormat format, PrintStream out) {
    print(report, List.of(), format, out);
  }

  /** The same, led by where the containers came from ({@code status} shows it). */
  public static void print(
      ReconcileReport report,
      List<RuntimeDescription> runtimes,
      ReportFormat format,
      PrintStream out) {
    if (format == ReportFormat.JSON) {
      out.println(JsonReport.render(report, runtimes));
    } else {
      TableReport.print(report, runtimes, out);
    }
    out.flush();
  }
}
