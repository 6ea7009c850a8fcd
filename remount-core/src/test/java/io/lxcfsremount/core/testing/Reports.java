package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import java.util.List;
import java.util.function.Predicate;

/** Look-ups in a pass's report: the container a test owns, and the states of its mounts. */
public final class Reports {
  private Reports() {}

  /** The one report of the container with runtime ID {@code id}; fails if there is none or more. */
  public static ContainerReport withId(ReconcileReport report, String id) {
    return only(report, "container " + id, c -> c.candidate().container().id().equals(id));
  }

  /** The one report of the candidate with init PID {@code pid}; fails if there is none or more. */
  public static ContainerReport withPid(ReconcileReport report, long pid) {
    return only(report, "PID " + pid, c -> c.candidate().pid() == pid);
  }

  /** The one report of the container named {@code name}; fails if there is none or more. */
  public static ContainerReport named(ReconcileReport report, String name) {
    return only(report, "container " + name, c -> c.candidate().container().name().equals(name));
  }

  /** The state of each mount of {@code container}, in the report's order. */
  public static List<MountState> states(ContainerReport container) {
    return container.mounts().stream().map(MountReport::state).toList();
  }

  /** The state of every mount of every container, in the report's order. */
  public static List<MountState> states(ReconcileReport report) {
    return report.containers().stream().flatMap(c -> states(c).stream()).toList();
  }

  private static ContainerReport only(
      ReconcileReport report, String what, Predicate<ContainerReport> matches) {
    List<ContainerReport> found = report.containers().stream().filter(matches).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one report of " + what + ", found " + found.size() + " in " + report);
    }
    return found.get(0);
  }
}
