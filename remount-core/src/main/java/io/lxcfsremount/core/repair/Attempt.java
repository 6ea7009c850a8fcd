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
   * Whether the verifying read of the container's table decides its state: its calls succeeded (is
   * the mount on top?), or failed for a reason that may pass (was the mount replaced by the live
   * lxcfs meanwhile?).
   */
  public boolean needsTheTable() {
    return succeeded() || failedForAPassingReason();
  }

  /**
   * Whether it failed for a reason that may pass (a race lost to another namespace's repair, a
   * target that moved): worth one more try, alone. {@code shown} as for {@link #report}.
   */
  public boolean mayPass(Optional<Shown> shown) {
    if (succeeded()) {
      return shown.isPresent() && !shown.get().live();
    }
    return failedForAPassingReason() && !showsTheLive(shown);
  }

  /**
   * Its report.
   *
   * @param shown what the verifying read of the container's table shows at the target; empty when
   *     the table was not read (no attempt of the container {@link #needsTheTable})
   */
  public MountReport report(Optional<Shown> shown) {
    if (refused != null) {
      return report(MountState.FAILED, refused);
    }
    if (replacedByTheLive(shown)) {
      // What a retry would find: the mount read was replaced since by the live lxcfs itself, as
      // one propagated from the host's folder into the container is.
      return new MountReport(target, file, readOnly, MountState.HEALTHY, null, null);
    }
    if (!outcome.done()) {
      return alive
          ? report(MountState.FAILED, outcome.describe(cloneOf))
          : report(MountState.SKIPPED, "process exited");
    }
    if (shown.isPresent() && !shown.get().live()) {
      return report(
          MountState.FAILED, "verify: top mount at " + target + " is " + shown.get().instead());
    }
    return outcome.stacked()
        ? report(MountState.STACKED, "the dead mount is locked in place: the live one covers it")
        : report(done, null);
  }

  private boolean failedForAPassingReason() {
    return outcome != null && !outcome.done() && alive && MAY_PASS.contains(outcome.errno());
  }

  private boolean replacedByTheLive(Optional<Shown> shown) {
    return failedForAPassingReason() && showsTheLive(shown);
  }

  private static boolean showsTheLive(Optional<Shown> shown) {
    return shown.isPresent() && shown.get().live();
  }

  private MountReport report(MountState state, String reason) {
    return new MountReport(target, file, readOnly, state, strategy, reason);
  }
}
