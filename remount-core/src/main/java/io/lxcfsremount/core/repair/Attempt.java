package io.lxcfsremount.core.repair;

import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import java.util.Optional;
import java.util.Set;

/**
 * One mount a repair went for, and what came of it: refused before any call into the container, or
 * the outcome of its calls there. Its state is decided once, by {@link #report}, when the pass has
 * verified the container's table: plan, then outcome, then verified.
 *
 * @param done what the mount becomes when its calls work and the table shows it: REPAIRED for a
 *     dead mount replaced, ATTACHED for a missing one
 * @param refused why it was not tried, or null when it was
 * @param outcome what its calls came to, or null when it was refused
 * @param alive whether the container's process still ran after the calls
 * @param cloneOf the lxcfs file the mount was cloned from, for the words of a failure
 */
public record Attempt(
    String target,
    String file,
    boolean readOnly,
    Strategy strategy,
    MountState done,
    String refused,
    RebindOutcome outcome,
    boolean alive,
    String cloneOf) {

  /**
   * Failures that may pass: ENOENT (the kernel's race of MOVE_MOUNT_BENEATH under concurrency, a
   * target that moved), ESTALE (the mount read was replaced since: the next read tells by what).
   */
  private static final Set<Integer> MAY_PASS = Set.of(Errnos.ENOENT, Errnos.ESTALE);

  /** Whether its calls all succeeded: the mount is in place, unless the table says otherwise. */
  public boolean succeeded() {
    return outcome != null && outcome.done();
  }

  /**
   * Whether it failed for a reason that may pass (a race lost to another namespace's repair, a
   * target that moved): worth one more try, alone. {@code misplaced} as for {@link #report}.
   */
  public boolean mayPass(Optional<String> misplaced) {
    if (succeeded()) {
      return misplaced.isPresent();
    }
    return outcome != null && alive && MAY_PASS.contains(outcome.errno());
  }

  /**
   * Its report.
   *
   * @param misplaced for a mount whose calls succeeded, what the container's table shows at the
   *     target instead of the live lxcfs; empty when it shows the live lxcfs (or was not read)
   */
  public MountReport report(Optional<String> misplaced) {
    if (refused != null) {
      return report(MountState.FAILED, refused);
    }
    if (!outcome.done()) {
      return alive
          ? report(MountState.FAILED, outcome.describe(cloneOf))
          : report(MountState.SKIPPED, "process exited");
    }
    if (misplaced.isPresent()) {
      return report(MountState.FAILED, "verify: top mount at " + target + " is " + misplaced.get());
    }
    return outcome.stacked()
        ? report(MountState.STACKED, "the dead mount is locked in place: the live one covers it")
        : report(done, null);
  }

  /**
   * Its report when its calls failed but the verifying read shows the live lxcfs at its target: the
   * mount was replaced meanwhile by another, as a mount propagated from the host's folder is.
   */
  public MountReport replacedByTheLive() {
    return new MountReport(target, file, readOnly, MountState.HEALTHY, null, null);
  }

  private MountReport report(MountState state, String reason) {
    return new MountReport(target, file, readOnly, state, strategy, reason);
  }
}
