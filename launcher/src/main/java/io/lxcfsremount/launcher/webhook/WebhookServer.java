package io.lxcfsremount.launcher.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.lxcfsremount.core.bounded.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's HTTPS side: {@code POST /mutate} and {@code POST /mutate-namespace} (see {@link
 * Route}) answer AdmissionReviews, {@code GET /healthz} says it runs. A body that is not an
 * AdmissionReview gets 400 and one log line; the server keeps serving.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  /** Far above any AdmissionReview: the API server stores objects of at most 1.5 MiB. */
  static final int MAX_BODY = 8 * 1024 * 1024;

  private static final int THREADS = 4;

  static {
    // Nothing waits forever: a client that never finishes its request (or never reads the answer)
    // gives its thread back after 30 s. Read once, when the JDK's server first loads; -D wins.
    for (String limit :
        new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"}) {
      if (System.getProperty(limit) == null) {
        System.setProperty(limit, "30");
      }
    }
  }

  private final HttpsServer server;
  private final ExecutorService executor;

  private WebhookServer(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code address}.
   *
   * @throws IOException when the address cannot be bound
   */
  public static WebhookServer start(
      InetSocketAddress address, ServerCertificate certificate, AdmissionHandler handler)
      throws IOException {
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls(certificate)));
    for (Route route : Route.values()) {
      server.createContext(route.path(), exchange -> review(exchange, route, handler));
    }
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            runnable -> DaemonThreads.create("webhook-" + threads.incrementAndGet(), runnable));
    server.setExecutor(executor);
    server.start();
    return new WebhookServer(server, executor);
  }

  /** The port it listens on (the one asked for, or the one chosen for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static SSLContext tls(ServerCertificate certificate) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new ServerKeyManager(certificate)}, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS: " + e.getMessage(), e);
    }
  }

  private static void review(HttpExchange exchange, Route route, AdmissionHandler handler)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        respond(exchange, 405, "text/plain", "POST an AdmissionReview\n");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        badRequest(exchange, route, "a body over " + MAX_BODY + " bytes");
        return;
      }
      try {
        respond(exchange, 200, "application/json", handler.answer(route, body));
      } catch (AdmissionHandler.NotAnAdmissionReview e) {
        badRequest(exchange, route, e.getMessage());
      } catch (RuntimeException e) {
        // A bug: the API server lets the pod through unchanged (failurePolicy Ignore).
        log.error(
            "{} from {}: 500, unexpected failure", route.path(), exchange.getRemoteAddress(), e);
        respond(exchange, 500, "text/plain", "unexpected failure\n");
      }
    }
  }

  private static void badRequest(HttpExchange exchange, Route route, String why)
      throws IOException {
    log.warn("{} from {}: 400, {}", route.path(), exchange.getRemoteAddress(), why);
    respond(exchange, 400, "text/plain", why + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
