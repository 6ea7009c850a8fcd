package io.lxcfsremount.launcher.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP side on {@code --listen}: {@code /metrics} (Prometheus text format), {@code
 * /healthz} (the watch loop is not stuck) and {@code /readyz} (200 when ready, 503 with the reason
 * otherwise).
 *
 * <p>It listens on the pod IP, so any client on the network can reach it, and the JDK server reads
 * a request on the thread that will answer it: with one thread, a client that sends one byte and
 * nothing more would stall every probe and scrape behind it, for ever. So several threads answer,
 * and a request must arrive, and its answer be taken, within {@link #REQUEST_TIMEOUT}, after which
 * the JDK server closes the connection.
 */
public final class HealthServer implements AutoCloseable {
  /** Probes and scrapes at once, with slow clients among them. */
  static final int THREADS = 4;

  /** A probe or scrape sends its request at once; kubelet's own probe timeout is 1 s by default. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code listen}.
   *
   * @throws IOException when the address cannot be bound
   */
  public static HealthServer start(
      InetSocketAddress listen, PrometheusRegistry registry, Readiness readiness, Liveness liveness)
      throws IOException {
    limitRequestTime();
    HttpServer server = HttpServer.create(listen, 16);
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
    server.setExecutor(Executors.newFixedThreadPool(THREADS, DaemonThreads.named("http")));
    server.start();
    return new HealthServer(server);
  }

  /**
   * The JDK server's own limits on reading a request and writing its answer (seconds; unlimited by
   * default), read once when its first server is made. A value the user set wins.
   */
  private static void limitRequestTime() {
    for (String limit : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
      if (System.getProperty(limit) == null) {
        System.setProperty(limit, Long.toString(REQUEST_TIMEOUT.toSeconds()));
      }
    }
  }

  /** The port it listens on (the one asked for, or the one chosen for port 0). */
  public int port() {
    return server.getAddress().getPort();
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
