package io.lxcfsremount.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP side on {@code --listen}: {@code /metrics} (Prometheus text format), {@code
 * /healthz} (the watch loop is not stuck) and {@code /readyz} (200 when ready, 503 with the reason
 * otherwise).
 */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code listen} ({@code host:port}).
   *
   * @throws UsageException when the address is malformed or cannot be bound
   */
  static HealthServer start(
      String listen, PrometheusRegistry registry, Readiness readiness, Liveness liveness) {
    InetSocketAddress address = address(listen);
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UsageException("--listen " + listen + ": cannot listen: " + e.getMessage(), e);
    }
    PrometheusTextFormatWriter format = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          format.write(body, registry.scrape());
          respond(exchange, 200, format.getContentType(), body.toByteArray());
        });
    server.createContext(
        "/healthz",
        exchange -> {
          Optional<String> why = liveness.whyNotLive();
          byte[] body = (why.orElse("ok") + "\n").getBytes(StandardCharsets.UTF_8);
          respond(exchange, why.isEmpty() ? 200 : 503, "text/plain", body);
        });
    server.createContext(
        "/readyz",
        exchange -> {
          Optional<String> why = readiness.whyNotReady();
          byte[] body = (why.orElse("ready") + "\n").getBytes(StandardCharsets.UTF_8);
          respond(exchange, why.isEmpty() ? 200 : 503, "text/plain", body);
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "http");
              thread.setDaemon(true);
              return thread;
            }));
    server.start();
    return new HealthServer(server);
  }

  /** The port it listens on (the one asked for, or the one chosen for port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  private static InetSocketAddress address(String listen) {
    int colon = listen.lastIndexOf(':');
    try {
      int port = Integer.parseInt(listen.substring(colon + 1));
      String host = listen.substring(0, Math.max(colon, 0)).replaceAll("^\\[|\\]$", "");
      return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--listen " + listen + ": expected HOST:PORT, e.g. 127.0.0.1:9477", e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
