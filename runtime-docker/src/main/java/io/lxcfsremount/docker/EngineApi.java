package io.lxcfsremount.docker;

import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.lxcfsremount.core.RuntimeUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * GET requests to the Docker Engine API over docker-java's httpclient5 transport (unix socket or
 * plain tcp, pooled connections). Paths carry no API version, so the Engine answers in its own.
 * Every failure becomes a {@link RuntimeUnavailableException} with one line naming the endpoint.
 */
final class EngineApi implements AutoCloseable {
  /** A unix socket connects or fails at once; this bounds a tcp host that does not answer. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** A dockerd that accepts but hangs (stuck on its containerd, say) must not hang the pass. */
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  private static final int NOT_FOUND = 404;

  private final DockerHost host;
  private final DockerHttpClient http;

  EngineApi(DockerHost host, int maxConnections) {
    this.host = host;
    this.http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(host.uri())
            .sslConfig(host.isUnixSocket() ? new UnusedTlsContext() : null)
            .maxConnections(maxConnections)
            .connectionTimeout(CONNECT_TIMEOUT)
            .responseTimeout(RESPONSE_TIMEOUT)
            .build();
  }

  /**
   * Reads {@code path} with {@code reader}; a body the reader cannot make sense of is a failure.
   */
  <T> Optional<T> get(String path, EngineReader<T> reader) throws RuntimeUnavailableException {
    Optional<byte[]> body = get(path);
    if (body.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(reader.read(body.get()));
    } catch (IOException e) {
      String answer = String.format("Docker at %s answered GET %s with ", host, path);
      throw new RuntimeUnavailableException(answer + "something unexpected: " + e.getMessage(), e);
    }
  }

  /** The answer's body, or empty when the Engine answers 404 (e.g. a container that is gone). */
  private Optional<byte[]> get(String path) throws RuntimeUnavailableException {
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path(path)
            .build();
    try (DockerHttpClient.Response response = http.execute(request)) {
      byte[] body = readBody(response);
      int status = response.getStatusCode();
      if (status == NOT_FOUND) {
        return Optional.empty();
      }
      if (status / 100 != 2) {
        throw new RuntimeUnavailableException(
            String.format(
                "Docker at %s answered GET %s with HTTP %d: %s",
                host, path, status, EngineJson.message(body)));
      }
      return Optional.of(body);
    } catch (IOException | RuntimeException e) {
      throw new RuntimeUnavailableException(
          "cannot reach Docker at " + host + ": " + DockerFailures.reason(e), e);
    }
  }

  /** One of the {@link EngineJson} readers. */
  interface EngineReader<T> {
    T read(byte[] json) throws IOException;
  }

  private static byte[] readBody(DockerHttpClient.Response response) throws IOException {
    try (InputStream body = response.getBody()) {
      return body == null ? new byte[0] : body.readAllBytes();
    }
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException e) {
      // The pooled sockets go with the process: nothing a caller could do about it.
    }
  }
}
