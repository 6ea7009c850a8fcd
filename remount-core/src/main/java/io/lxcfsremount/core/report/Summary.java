package io.lxcfsremount.core.report;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts over a pass: containers (mount namespaces) looked at, those with lxcfs mounts, those
 * skipped or failed as a whole, and mounts by state.
 */
public record Summary(
    int containers,
    int withLxcfs,
    int skippedContainers,
    int failedContainers,
    Map<MountState, Integer> mounts) {

  public Summary {
    mounts = Map.copyOf(mounts);
  }

  public static Summary of(List<ContainerReport> reports) {
    Map<MountState, Integer> counts = new EnumMap<>(MountState.class);
    for (MountState state : MountState.values()) {
      counts.put(state, 0);
    }
    int withLxcfs = 0;
    int skipped = 0;
    int failed = 0;
    for (ContainerReport report : reports) {
      withLxcfs += report.mounts().isEmpty() ? 0 : 1;
      skipped += report.skipped() == null ? 0 : 1;
      failed += report.failed() == null ? 0 : 1;
      report.mounts().forEach(m -> counts.merge(m.state(), 1, Integer::sum));
    }
    return new Summary(reports.size(), withLxcfs, skipped, failed, counts);
  }

  public int count(MountState state) {
    return mounts.getOrDefault(state, 0);
  }

  /**
   * Whether the pass settled everything: nothing dead, and nothing left for a routine reason that a
   * moment later may be gone (a mount whose target moved while the pass ran, say).
   */
  public boolean settled() {
    return nothingDead() && count(MountState.SKIPPED) == 0;
  }

  /** Whether every lxcfs mount reaches the live lxcfs after the pass, as far as it could look. */
  public boolean nothingDead() {
    return failedContainers == 0
        && mounts.entrySet().stream()
            .noneMatch(e -> e.getKey().deadAfterPass() && e.getValue() > 0);
  }
}
