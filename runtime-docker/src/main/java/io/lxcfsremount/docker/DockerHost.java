package io.lxcfsremount.docker;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the Docker Engine API answers, as {@code DOCKER_HOST} spells it: {@code
 * unix:///var/run/docker.sock} (what a node agent uses) or {@code tcp://host:2375} (plain, no TLS).
 */
public record DockerHost(URI uri) {
  /** The socket dockerd listens on unless told otherwise. */
  public static final DockerHost DEFAULT = parse("unix:///var/run/docker.sock");

  /**
   * @throws IllegalArgumentException naming the value and the forms that are accepted
   */
  public static DockerHost parse(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw invalid(value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    boolean valid =
        switch (scheme) {
          case "unix" ->
              uri.getPath() != null && uri.getPath().startsWith("/") && uri.getPath().length() > 1;
          case "tcp" -> uri.getHost() != null && uri.getPort() > 0;
          default -> false;
        };
    if (!valid) {
      throw invalid(value);
    }
    return new DockerHost(uri);
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException(
        "'"
            + value
            + "' is not a Docker host (expected unix:///path/to/docker.sock or tcp://HOST:PORT)");
  }

  /** Whether the host is a unix socket of this machine (else a tcp host). */
  public boolean isUnixSocket() {
    return uri.getScheme().equals("unix");
  }

  /** The socket's path, for a unix socket; empty for a tcp host. */
  public String socketPath() {
    return uri.getPath();
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
