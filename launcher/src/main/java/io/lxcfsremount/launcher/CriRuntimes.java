package io.lxcfsremount.launcher;

import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.cri.CriEndpoint;
import io.lxcfsremount.cri.CriRuntime;
import java.util.List;

/**
 * Which CRI runtimes a pass may ask, from {@code --cri-endpoint} (without it: the standard sockets
 * of containerd, CRI-O and cri-dockerd). Nothing is asked here; {@link Runtimes#check()} asks them
 * all at once.
 */
final class CriRuntimes {
  private CriRuntimes() {}

  /**
   * For {@code --runtime cri}: the endpoint given, else every standard one, in order; the first
   * that answers CRI v1 is used. A missing socket is tried too, so that it is named if none
   * answers.
   *
   * @throws UsageException for a malformed endpoint
   */
  static List<ContainerRuntime> named(String endpoint) {
    if (given(endpoint)) {
      return List.of(new CriRuntime(parse(endpoint)));
    }
    return CriEndpoint.STANDARD.stream().<ContainerRuntime>map(CriRuntime::new).toList();
  }

  /**
   * For {@code --runtime auto}: the endpoint given, or every standard socket that exists. One that
   * does not answer stays in, so that each pass reports it as a warning and uses it again once it
   * is back; one that does not speak CRI is left out when checked.
   */
  static List<ContainerRuntime> present(String endpoint) {
    if (given(endpoint)) {
      return List.of(new CriRuntime(parse(endpoint)));
    }
    return CriEndpoint.STANDARD.stream()
        .filter(CriEndpoint::isSocket)
        .<ContainerRuntime>map(CriRuntime::new)
        .toList();
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
