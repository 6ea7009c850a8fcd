package io.lxcfsremount.core.runtime;

import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.bounded.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What a runtime sets up before its first call (an HTTP transport, a gRPC channel), set up on a
 * daemon thread of its own: in a fresh JVM that costs some 0.2 s of class loading, which the caller
 * spends on its own start-up meanwhile. Each call waits for it, at most {@link #SET_UP_LIMIT}; a
 * set-up that failed fails every call with its one line.
 *
 * @param <T> what is set up
 */
public final class Connecting<T> {
  /**
   * Setting up is local work that takes a fresh JVM well under a second, not a question to the
   * runtime, so it is not held to the runtime's deadline (a test's may be 300 ms); this only bounds
   * a set-up that hangs, or a machine loaded far beyond anything else the agent tolerates.
   */
  public static final Duration SET_UP_LIMIT = Duration.ofSeconds(10);

  /** Sets up the connection; nothing in it waits on the runtime. */
  @FunctionalInterface
  public interface SetUp<T> {
    T run() throws RuntimeUnavailableException;
  }

  private final String endpoint;
  private final CompletableFuture<T> connection = new CompletableFuture<>();

  private Connecting(String endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Starts {@code setUp} on a daemon thread named {@code thread}, then, once it succeeded, {@code
   * warmUp} on the same thread (a first question, asked before anyone waits for its answer).
   *
   * @param endpoint what is reached, as messages name it: {@code Docker at unix:///run/docker.sock}
   */
  public static <T> Connecting<T> start(
      String endpoint, String thread, SetUp<T> setUp, Consumer<T> warmUp) {
    Connecting<T> connecting = new Connecting<>(endpoint);
    DaemonThreads.start(
        thread,
        () -> {
          if (connecting.setUp(setUp)) {
            warmUp.accept(connecting.connection.join());
          }
        });
    return connecting;
  }

  /** {@link #start(String, String, SetUp, Consumer)} without a warm-up. */
  public static <T> Connecting<T> start(String endpoint, String thread, SetUp<T> setUp) {
    return start(endpoint, thread, setUp, connection -> {});
  }

  private boolean setUp(SetUp<T> setUp) {
    try {
      return connection.complete(setUp.run());
    } catch (RuntimeUnavailableException | RuntimeException | Error e) {
      // Kept for the callers: each of them gets it, not just an uncaught-exception log line.
      connection.completeExceptionally(e);
      return false;
    }
  }

  /**
   * The connection, once set up.
   *
   * @throws RuntimeNotAnsweringException when it is not set up within {@link #SET_UP_LIMIT}
   * @throws RuntimeUnavailableException when setting it up failed, naming the endpoint
   */
  public T await() throws RuntimeUnavailableException {
    try {
      return connection.get(SET_UP_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RuntimeNotAnsweringException(
          "the connection to "
              + endpoint
              + " was not set up within "
              + Durations.text(SET_UP_LIMIT));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("connecting to " + endpoint, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while connecting to " + endpoint, e);
    }
  }

  /** Closes the connection now, or as soon as it is set up. */
  public void close(Consumer<T> closer) {
    connection.thenAccept(closer);
  }
}
