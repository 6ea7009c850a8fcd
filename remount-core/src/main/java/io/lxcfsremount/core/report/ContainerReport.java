package io.lxcfsremount.core.report;

import io.lxcfsremount.core.runtime.Candidate;
import java.util.List;

/**
 * The result for one mount namespace of a container.
 *
 * @param skipped why the namespace was left alone for a routine reason (its process exited), or
 *     null
 * @param failed why it could not be looked at (e.g. its mount table could not be read), or null
 */
public record ContainerReport(
    Candidate candidate, List<MountReport> mounts, String skipped, String failed) {

  public ContainerReport {
    mounts = List.copyOf(mounts);
  }

  public static ContainerReport of(Candidate candidate, List<MountReport> mounts) {
    return new ContainerReport(candidate, mounts, null, null);
  }

  public static ContainerReport skipped(Candidate candidate, String reason) {
    return new ContainerReport(candidate, List.of(), reason, null);
  }

  public static ContainerReport failed(Candidate candidate, String reason) {
    return new ContainerReport(candidate, List.of(), null, reason);
  }
}
