package io.lxcfsremount.core.runtime;

import io.lxcfsremount.core.bounded.DaemonThreads;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A runtime's containers asked for ahead of a pass ({@link ContainerRuntime#askAhead()}), on a
 * daemon thread of its own, until the pass takes them.
 */
public final class AskedAhead {
  /** The runtime's own question for its containers. */
  @FunctionalInterface
  public interface Listing {
    List<Container> list() throws RuntimeUnavailableException;
  }

  private final String endpoint;
  private final Listing listing;
  private final AtomicReference<CompletableFuture<List<Container>>> asked = new AtomicReference<>();

  /**
   * @param endpoint what is asked, as messages name it: {@code Docker at unix:///run/docker.sock}
   * @param listing how the runtime asks for its containers
   */
  public AskedAhead(String endpoint, Listing listing) {
    this.endpoint = endpoint;
    this.listing = listing;
  }

  /** Asks now, on a daemon thread named {@code thread}. */
  public void ask(String thread) {
    CompletableFuture<List<Container>> answer = new CompletableFuture<>();
    asked.set(answer);
    DaemonThreads.start(
        thread,
        () -> {
          try {
            answer.complete(listing.list());
          } catch (RuntimeUnavailableException | RuntimeException e) {
            answer.completeExceptionally(e);
          }
        });
  }

  /**
   * The containers asked for ahead, once, failing as asking would have; else those of now. Not
   * bounded here: every request behind the answer has its deadline, and the pass bounds its own
   * calls ({@link RuntimeCalls}).
   */
  public List<Container> takeOrList() throws RuntimeUnavailableException {
    CompletableFuture<List<Container>> answer = asked.getAndSet(null);
    if (answer == null) {
      return listing.list();
    }
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        throw unavailable;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("asking " + endpoint + " for its containers", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while asking " + endpoint, e);
    }
  }
}
