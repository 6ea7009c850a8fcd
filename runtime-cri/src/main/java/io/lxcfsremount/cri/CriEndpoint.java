package io.lxcfsremount.cri;

import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a CRI runtime listens: a unix socket, written {@code
 * unix:///run/containerd/containerd.sock} as kubelet's {@code --container-runtime-endpoint} is (a
 * bare absolute path is accepted too).
 *
 * @param uri the {@code unix://} form, used in every message
 * @param socket the socket's path
 */
public record CriEndpoint(String uri, Path socket) {
  private static final String SCHEME = "unix://";
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  /** The sockets of containerd, CRI-O and cri-dockerd where their packages put them. */
  static final List<CriEndpoint> STANDARD =
      List.of(
          parse("unix:///run/containerd/containerd.sock"),
          parse("unix:///var/run/crio/crio.sock"),
          parse("unix:///var/run/cri-dockerd.sock"));

  /**
   * @throws IllegalArgumentException when {@code endpoint} is not a {@code unix://} URI or an
   *     absolute path (CRI over TCP is not supported)
   */
  public static CriEndpoint parse(String endpoint) {
    String path = endpoint.startsWith(SCHEME) ? endpoint.substring(SCHEME.length()) : endpoint;
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "CRI endpoint " + endpoint + " is not a unix socket (unix:///path/to/socket)");
    }
    return new CriEndpoint(SCHEME + path, Path.of(path));
  }

  /** Whether something that is a socket exists at the path (it may still not answer). */
  boolean isSocket() {
    try {
      return (mode() & S_IFMT) == S_IFSOCK;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Checks that the socket exists and is a socket, so that a typo reads as one, not as a gRPC
   * connection error.
   *
   * @throws RuntimeUnavailableException naming the endpoint and what is wrong with it
   */
  void check() throws RuntimeUnavailableException {
    int mode;
    try {
      mode = mode();
    } catch (NoSuchFileException e) {
      throw new RuntimeUnavailableException("cannot reach CRI at " + uri + ": no such socket");
    } catch (IOException e) {
      throw new RuntimeUnavailableException(
          "cannot reach CRI at " + uri + ": " + e.getMessage(), e);
    }
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new RuntimeUnavailableException(uri + " is not a socket");
    }
  }

  private int mode() throws IOException {
    // Follows symlinks: sockets are often reached through one (/var/run -> /run).
    return (Integer) Files.getAttribute(socket, "unix:mode");
  }

  @Override
  public String toString() {
    return uri;
  }
}
