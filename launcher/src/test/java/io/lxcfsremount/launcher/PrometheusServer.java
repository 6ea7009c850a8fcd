package io.lxcfsremount.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Prometheus server of the test's own (Debian's prometheus package): on a free loopback
 * port, with its configuration and data in a private folder, stopped by its PID.
 */
final class PrometheusServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final Process process;
  private final int port;

  private PrometheusServer(Path home, Process process, int port) {
    this.home = home;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus with {@code config} as prometheus.yml and {@code files} (name to content)
   * next to it, and waits until it is ready.
   */
  static PrometheusServer start(String config, Map<String, String> files) throws Exception {
    Path home = Files.createTempDirectory("lxcfs-remount-prometheus");
    Files.writeString(home.resolve("prometheus.yml"), config);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(home.resolve(file.getKey()), file.getValue());
    }
    int port = freeLoopbackPort();
    Path prometheus =
        Programs.find("prometheus")
            .orElseThrow(() -> new IllegalStateException("prometheus is not installed"));
    Process process =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + home.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(home, process, port);
    try {
      Eventually.within(Duration.ofSeconds(60), "Prometheus ready", server::ready, server::log);
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The active alerts (pending or firing) of {@code /api/v1/alerts}. */
  List<JsonNode> alerts() throws Exception {
    List<JsonNode> alerts = new ArrayList<>();
    api("/api/v1/alerts").path("alerts").forEach(alerts::add);
    return alerts;
  }

  /** The result vector of an instant query. */
  List<JsonNode> query(String promql) throws Exception {
    List<JsonNode> samples = new ArrayList<>();
    api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("result")
        .forEach(samples::add);
    return samples;
  }

  /** Every value of {@code label} in the series Prometheus holds, e.g. every metric name. */
  List<String> labelValues(String label) throws Exception {
    List<String> values = new ArrayList<>();
    api("/api/v1/label/" + label + "/values").forEach(value -> values.add(value.asText()));
    return values;
  }

  /** The {@code data} of an API answer; fails unless Prometheus says {@code success}. */
  private JsonNode api(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    JsonNode answer = JSON.readTree(response.body());
    if (!"success".equals(answer.path("status").asText())) {
      throw new AssertionError("Prometheus " + pathAndQuery + ": " + response.body());
    }
    return answer.path("data");
  }

  String log() throws IOException {
    return Files.readString(home.resolve("prometheus.log"));
  }

  private boolean ready() throws Exception {
    if (!process.isAlive()) {
      throw new IllegalStateException("Prometheus exited: " + log());
    }
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException notListeningYet) {
      return false;
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** SIGTERM by its PID (SIGKILL after 15 s), then its folder goes. */
  @Override
  public void close() throws IOException {
    Programs.stop(process);
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }
}
