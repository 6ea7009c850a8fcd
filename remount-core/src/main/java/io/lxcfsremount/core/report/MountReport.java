package io.lxcfsremount.core.report;

import io.lxcfsremount.core.linux.Strategy;

/**
 * The result for one lxcfs mount.
 *
 * @param target where it sits in the container
 * @param file the lxcfs file it shows ({@code /} for the whole folder)
 * @param readOnly whether it is mounted read-only
 * @param strategy how it was (or would be) repaired, or null when not repaired
 * @param reason why it failed or was skipped, or null
 */
public record MountReport(
    String target,
    String file,
    boolean readOnly,
    MountState state,
    Strategy strategy,
    String reason) {

  public MountReport withState(MountState newState, String newReason) {
    return new MountReport(target, file, readOnly, newState, strategy, newReason);
  }
}
