package io.lxcfsremount.launcher;

import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;
import io.lxcfsremount.cri.CriEndpoint;
import io.lxcfsremount.cri.CriRuntime;
import io.lxcfsremount.cri.NotCriException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which CRI runtimes a pass asks, from {@code --runtime} and {@code --cri-endpoint} (without it:
 * the standard sockets of containerd, CRI-O and cri-dockerd).
 */
final class CriRuntimes {
  private static final Logger log = LoggerFactory.getLogger(CriRuntimes.class);

  private CriRuntimes() {}

  /**
   * For {@code --runtime cri}: the first endpoint that answers CRI v1, checked now so that a wrong
   * endpoint fails the command at once.
   *
   * @throws UsageException naming each endpoint tried and why it did not do
   */
  static CriRuntime required(String endpoint) {
    List<CriEndpoint> candidates =
        given(endpoint) ? List.of(parse(endpoint)) : CriEndpoint.STANDARD;
    List<String> problems = new ArrayList<>();
    for (CriEndpoint candidate : candidates) {
      CriRuntime runtime = new CriRuntime(candidate);
      try {
        log.debug("using {}", runtime.describe());
        return runtime;
      } catch (RuntimeUnavailableException e) {
        runtime.close();
        problems.add(e.getMessage());
      }
    }
    throw new UsageException(
        given(endpoint)
            ? problems.get(0)
            : "no CRI runtime answers (" + String.join("; ", problems) + "): give --cri-endpoint");
  }

  /**
   * For {@code --runtime auto}: the endpoint given, or every standard socket that exists and speaks
   * CRI. One that does not answer stays in, so that each pass reports it as a warning and uses it
   * again once it is back; Docker's own containerd (CRI disabled) is simply not a CRI runtime, and
   * is left out without a word.
   */
  static List<ContainerRuntime> available(String endpoint) {
    if (given(endpoint)) {
      return List.of(new CriRuntime(parse(endpoint)));
    }
    List<ContainerRuntime> runtimes = new ArrayList<>();
    for (CriEndpoint candidate : CriEndpoint.STANDARD) {
      if (!candidate.isSocket()) {
        continue;
      }
      CriRuntime runtime = new CriRuntime(candidate);
      try {
        log.debug("using {}", runtime.describe());
        runtimes.add(runtime);
      } catch (NotCriException e) {
        log.debug("{}: left out", e.getMessage());
        runtime.close();
      } catch (RuntimeUnavailableException e) {
        runtimes.add(runtime);
      }
    }
    return runtimes;
  }

  /** An empty LXCFS_REMOUNT_CRI_ENDPOINT counts as unset. */
  private static boolean given(String endpoint) {
    return endpoint != null && !endpoint.isBlank();
  }

  private static CriEndpoint parse(String endpoint) {
    try {
      return CriEndpoint.parse(endpoint);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--cri-endpoint: " + e.getMessage());
    }
  }
}
