package io.lxcfsremount.cri;

import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeProvider;
import java.time.Duration;
import java.util.List;

/** A CRI runtime at one endpoint: the one given, or one of the standard sockets. */
public final class CriProvider implements RuntimeProvider {
  private final CriEndpoint endpoint;
  private final boolean given;

  private CriProvider(CriEndpoint endpoint, boolean given) {
    this.endpoint = endpoint;
    this.given = given;
  }

  /**
   * The endpoint given, else the standard sockets of containerd, CRI-O and cri-dockerd, in that
   * order. An empty endpoint (an empty LXCFS_REMOUNT_CRI_ENDPOINT) counts as not given.
   *
   * @throws IllegalArgumentException for a malformed endpoint
   */
  public static List<CriProvider> at(String endpoint) {
    if (endpoint != null && !endpoint.isBlank()) {
      return List.of(new CriProvider(CriEndpoint.parse(endpoint), true));
    }
    return CriEndpoint.STANDARD.stream().map(standard -> new CriProvider(standard, false)).toList();
  }

  /**
   * The endpoint given, whether it exists or not (so that it is named when it does not answer), or
   * a standard socket that exists.
   */
  @Override
  public boolean applicable() {
    return given || endpoint.isSocket();
  }

  @Override
  public String describe() {
    return "CRI at " + endpoint;
  }

  @Override
  public ContainerRuntime open(Duration deadline) {
    return CriRuntime.open(endpoint, deadline);
  }
}
