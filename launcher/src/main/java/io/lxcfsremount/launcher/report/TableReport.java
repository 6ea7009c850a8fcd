package io.lxcfsremount.launcher.report;

import com.google.common.base.Strings;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.report.Summary;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The report for people: one row per lxcfs mount, grouped by container, then a one-line summary.
 * Containers without lxcfs mounts are only counted.
 */
public final class TableReport {
  private static final String[] HEADER = {
    "RUNTIME", "CONTAINER", "PID", "TARGET", "RESULT", "DETAIL"
  };

  private TableReport() {}

  static void print(ReconcileReport report, List<RuntimeDescription> runtimes, PrintStream out) {
    out.printf(
        "lxcfs %s: generation %s, %s%n",
        report.lxcfs().dir(),
        report.lxcfs().generation(),
        report.lxcfs().healthy() ? "healthy" : "NOT healthy (" + report.lxcfs().problem() + ")");
    runtimes.forEach(runtime -> out.printf("runtime %s: %s%n", runtime.name(), runtime.describe()));
    List<String[]> rows = new ArrayList<>();
    for (ContainerReport container : report.containers()) {
      rows.addAll(rows(container));
    }
    if (!rows.isEmpty()) {
      rows.add(0, HEADER);
      printAligned(rows, out);
    }
    report.warnings().forEach(warning -> out.println("warning: " + warning));
    out.println(summary(report));
  }

  private static List<String[]> rows(ContainerReport report) {
    Candidate candidate = report.candidate();
    String runtime = candidate.container().runtime();
    String name = displayName(candidate.container());
    String pid = Long.toString(candidate.pid());
    List<String[]> rows = new ArrayList<>();
    if (report.skipped() != null || report.failed() != null) {
      String result = report.skipped() != null ? "skipped" : "failed";
      String why = report.skipped() != null ? report.skipped() : report.failed();
      rows.add(new String[] {runtime, name, pid, "-", result, why});
    }
    for (MountReport mount : report.mounts()) {
      boolean first = rows.isEmpty();
      rows.add(
          new String[] {
            first ? runtime : "",
            first ? name : "",
            first ? pid : "",
            target(mount),
            mount.state().label(),
            detail(mount)
          });
    }
    return rows;
  }

  /** The pod and container name for pod containers, else the container's name. */
  public static String displayName(Container container) {
    return container.pod() == null ? container.name() : container.pod() + "/" + container.name();
  }

  private static String target(MountReport mount) {
    return mount.target() + (mount.readOnly() ? " (ro)" : "");
  }

  private static String detail(MountReport mount) {
    if (mount.reason() != null) {
      return mount.reason();
    }
    return mount.strategy() == null ? "" : mount.strategy().cliName();
  }

  public static String summary(ReconcileReport report) {
    Summary summary = report.summary();
    StringBuilder line = new StringBuilder();
    for (MountState state : MountState.values()) {
      int count = summary.count(state);
      if (count > 0) {
        line.append(line.length() == 0 ? "" : ", ").append(count).append(' ').append(state.label());
      }
    }
    if (line.length() == 0) {
      line.append("no lxcfs mounts");
    }
    line.append(" in ").append(summary.withLxcfs()).append(" of ").append(summary.containers());
    line.append(" containers");
    if (summary.skippedContainers() > 0) {
      line.append(", ").append(summary.skippedContainers()).append(" skipped");
    }
    if (summary.failedContainers() > 0) {
      line.append(", ").append(summary.failedContainers()).append(" failed");
    }
    return line.append(" (").append(report.elapsed().toMillis()).append(" ms)").toString();
  }

  private static void printAligned(List<String[]> rows, PrintStream out) {
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    // One write for the whole table: a row a write is a system call per mount.
    StringBuilder table = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : Strings.padEnd(row[i], widths[i] + 2, ' '));
      }
      table.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    out.print(table);
  }
}
