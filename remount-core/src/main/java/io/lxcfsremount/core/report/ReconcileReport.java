package io.lxcfsremount.core.report;

import io.lxcfsremount.core.lxcfs.Lxcfs;
import java.time.Duration;
import java.util.List;

/**
 * Everything one pass found and did.
 *
 * @param warnings sources that could not be asked (e.g. a runtime that is down)
 * @param elapsed from the start of the pass to the end of verification
 */
public record ReconcileReport(
    Lxcfs lxcfs, List<ContainerReport> containers, List<String> warnings, Duration elapsed) {

  public ReconcileReport {
    containers = List.copyOf(containers);
    warnings = List.copyOf(warnings);
  }

  public Summary summary() {
    return Summary.of(containers);
  }
}
