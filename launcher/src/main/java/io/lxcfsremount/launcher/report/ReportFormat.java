package io.lxcfsremount.launcher.report;

/** How {@code repair} and {@code status} print their report ({@code --output}). */
public enum ReportFormat {
  TABLE,
  JSON
}
