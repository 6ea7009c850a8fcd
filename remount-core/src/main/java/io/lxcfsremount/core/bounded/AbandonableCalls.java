package io.lxcfsremount.core.bounded;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs calls that may sleep in the kernel forever, each on a daemon thread of its own that is
 * abandoned, never joined, when it does not answer in time.
 *
 * <p>Why: a reader of a wedged FUSE file (an lxcfs stopped or looping, a container's own FUSE mount
 * that never answers) sleeps uninterruptibly until the server answers or its connection is aborted;
 * no Java interrupt reaches it. The caller must still go on, so the call is moved to a thread the
 * caller can leave behind. Such threads are counted, and once {@code maxStuck} of them are still
 * stuck, further calls fail at once instead of piling up threads on a wedged filesystem. The cap is
 * on threads, running or stuck: calls made at the same moment (a pass's parallel inspections) could
 * otherwise each find room under it and then all be abandoned together.
 */
public final class AbandonableCalls {
  /** A call that may block; it throws {@code E} on an answer that is a failure. */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T call() throws E;
  }

  private final String threadName;
  private final int maxStuck;
  private final AtomicInteger stuck = new AtomicInteger();

  /** One permit per thread a call may hold, answering or stuck; given back when the thread ends. */
  private final Semaphore threads;

  /**
   * @param threadName the name of the threads that run the calls (shown in thread dumps)
   * @param maxStuck how many abandoned calls may still be stuck before new ones are refused
   */
  public AbandonableCalls(String threadName, int maxStuck) {
    this.threadName = threadName;
    this.maxStuck = maxStuck;
    this.threads = new Semaphore(maxStuck);
  }

  /** Calls given up on that have not come back yet. */
  public int stuck() {
    return stuck.get();
  }

  /**
   * Runs {@code call} and waits at most {@code timeout} for it.
   *
   * @param what what the call does, for the message of a {@link TimeoutException} ({@code "statx
   *     /var/lib/lxcfs/proc/meminfo"})
   * @throws E what the call threw
   * @throws TimeoutException when it did not answer within {@code timeout} (it is abandoned), or
   *     when too many earlier calls are still stuck to start another (at once), or still running
   *     after {@code timeout}
   */
  public <T, E extends Exception> T call(String what, Duration timeout, Call<T, E> call)
      throws E, TimeoutException {
    int stillStuck = stuck.get();
    if (stillStuck >= maxStuck) {
      throw new TimeoutException(
          what + ": not tried, " + stillStuck + " earlier calls are still stuck");
    }
    if (!threadWithin(timeout)) {
      throw new TimeoutException(
          what
              + ": not tried, "
              + maxStuck
              + " earlier calls are still running after "
              + Durations.text(timeout));
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    DaemonThreads.start(
        threadName,
        () -> {
          try {
            answer.complete(call.call());
          } catch (Throwable t) {
            answer.completeExceptionally(t);
          } finally {
            threads.release();
          }
        });
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(answer);
      throw new TimeoutException(what + ": no answer within " + Durations.text(timeout));
    } catch (InterruptedException e) {
      abandon(answer);
      Thread.currentThread().interrupt();
      throw new TimeoutException(what + ": interrupted while waiting for an answer");
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private boolean threadWithin(Duration timeout) {
    try {
      return threads.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void abandon(CompletableFuture<?> answer) {
    stuck.incrementAndGet();
    answer.whenComplete((value, failure) -> stuck.decrementAndGet());
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Throwable cause) throws E {
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    // Call.call() throws nothing checked but E.
    throw (E) cause;
  }
}
