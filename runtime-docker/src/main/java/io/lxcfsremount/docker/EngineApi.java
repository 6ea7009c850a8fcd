package io.lxcfsremount.docker;

import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.bounded.Durations;
import io.lxcfsremount.core.runtime.RuntimeNotAnsweringException;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET requests to the Docker Engine API over docker-java's httpclient5 transport (unix socket or
 * plain tcp, pooled connections). Paths carry no API version, so the Engine answers in its own.
 * Every failure becomes a {@link RuntimeUnavailableException} with one line naming the endpoint.
 *
 * <p>Each request, connect to last byte, runs on a thread of its own and is given the deadline: the
 * transport's unix socket is a blocking {@code SocketChannel} whose streams ignore the socket
 * timeout, so its response timeout never fires there, and a dockerd that accepts but never answers
 * would hold the caller forever. Interrupting the request's thread closes the channel and frees it
 * (channel reads are interruptible, socket stream reads are not).
 */
final class EngineApi implements AutoCloseable {
  /** A unix socket connects or fails at once; this bounds a tcp host that does not answer. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private static final int NOT_FOUND = 404;

  /** An answer's body and its {@code Server} header, which may be missing. */
  private record Answer(byte[] body, String server) {}

  private final DockerHost host;
  private final Duration deadline;
  private final DockerHttpClient http;
  private final ExecutorService requests =
      Executors.newCachedThreadPool(DaemonThreads.named("docker-request"));

  /**
   * @param deadline what a request may take: a dockerd that accepts but hangs (stuck on its
   *     containerd, say) must not hang the pass; a healthy one answers a list or an inspect in
   *     milliseconds, even on a loaded node
   */
  EngineApi(DockerHost host, int maxConnections, Duration deadline) {
    this.host = host;
    this.deadline = deadline;
    this.http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(host.uri())
            .sslConfig(host.isUnixSocket() ? new UnusedTlsContext() : null)
            .maxConnections(maxConnections)
            .connectionTimeout(CONNECT_TIMEOUT)
            .responseTimeout(deadline)
            .build();
  }

  /**
   * Reads {@code path} with {@code reader}; a body the reader cannot make sense of is a failure.
   */
  <T> Optional<T> get(String path, EngineReader<T> reader) throws RuntimeUnavailableException {
    Optional<Answer> answered = get(path);
    if (answered.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(reader.read(answered.get().body()));
    } catch (IOException e) {
      String answer = String.format("Docker at %s answered GET %s with ", host, path);
      throw new RuntimeUnavailableException(answer + "something unexpected: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code Server} header the Engine sends with every answer, {@code Docker/20.10.24+dfsg1
   * (linux)}, asked with {@code GET /_ping}: it answers in a millisecond, where {@code GET
   * /version} has dockerd run runc and docker-init for their versions (20 ms).
   */
  Optional<String> server() throws RuntimeUnavailableException {
    return get("/_ping").map(Answer::server);
  }

  /** The answer, or empty when the Engine answers 404 (e.g. a container that is gone). */
  private Optional<Answer> get(String path) throws RuntimeUnavailableException {
    Future<Optional<Answer>> answer = requests.submit(() -> request(path));
    try {
      return answer.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new RuntimeNotAnsweringException(
          String.format(
              "Docker at %s did not answer GET %s within %s",
              host, path, Durations.text(deadline)));
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException(
          "interrupted while waiting for Docker at " + host + " to answer GET " + path, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("GET " + path + " from Docker at " + host, e.getCause());
    }
  }

  private Optional<Answer> request(String path) throws RuntimeUnavailableException {
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
      return Optional.of(new Answer(body, response.getHeader("Server")));
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
    requests.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      // The pooled sockets go with the process: nothing a caller could do about it.
    }
  }
}
