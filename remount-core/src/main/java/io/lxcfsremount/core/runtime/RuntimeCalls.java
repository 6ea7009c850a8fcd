package io.lxcfsremount.core.runtime;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.bounded.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks several container runtimes the same question at once and waits for all of them together at
 * most {@link #BUDGET}, so that what a pass spends waiting on runtimes is bounded whatever they do
 * (a wedged daemon accepts connections and never answers). Each runtime's own calls have shorter
 * deadlines that name the call; the budget is the backstop for calls that add up.
 *
 * <p>A runtime that did not answer in time is not waited for again until it answers: its answer is
 * that failure, at once, while the same question is sent to it in the background every {@link
 * #PROBE_INTERVAL}, with nobody waiting; once such a probe is answered, the runtime is asked as
 * before. A one-shot command that found it wedged at start-up then does not wait for it a second
 * time in its pass, and a watch does not wait on it in every pass (nor at every retry of one).
 */
public final class RuntimeCalls {
  /** What each call to a runtime may take before it counts as not answering. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

  /** A second more than the runtimes' own deadlines lets them say which call hung. */
  public static final Duration BUDGET = CALL_DEADLINE.plusSeconds(1);

  /** How often a runtime that does not answer is asked again in the background. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

  /** One question to a runtime. */
  @FunctionalInterface
  public interface Query<T> {
    T ask(ContainerRuntime runtime) throws RuntimeUnavailableException;
  }

  /** A runtime's answer: its value, or why there is none. */
  public record Answer<T>(ContainerRuntime runtime, T value, RuntimeUnavailableException failure) {
    public boolean answered() {
      return failure == null;
    }
  }

  /**
   * A runtime that did not answer in time.
   *
   * @param probe the question last sent to it in the background (sent at {@code probedNanos}), or
   *     null
   */
  private record Silence(long sinceNanos, String message, long probedNanos, Future<?> probe) {}

  private final Duration budget;
  private final Duration probeInterval;
  private final Ticker ticker;
  private final Map<ContainerRuntime, Silence> silent =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private final ExecutorService threads =
      Executors.newCachedThreadPool(DaemonThreads.named("runtime-call"));

  public RuntimeCalls(Duration budget, Duration probeInterval, Ticker ticker) {
    this.budget = budget;
    this.probeInterval = probeInterval;
    this.ticker = ticker;
  }

  /** With {@link #BUDGET}, {@link #PROBE_INTERVAL} and the system clock. */
  public RuntimeCalls() {
    this(BUDGET, PROBE_INTERVAL, Ticker.systemTicker());
  }

  /**
   * Asks every runtime of {@code runtimes} at once; the answers come in the same order. A runtime
   * still busy when the budget runs out is interrupted (a blocked socket read is, and closes) and
   * answers {@link RuntimeNotAnsweringException}.
   */
  public <T> List<Answer<T>> ask(List<ContainerRuntime> runtimes, Query<T> query) {
    long deadline = ticker.read() + budget.toNanos();
    List<Future<T>> asked = new ArrayList<>();
    for (ContainerRuntime runtime : runtimes) {
      asked.add(answersAgain(runtime, query) ? threads.submit(() -> query.ask(runtime)) : null);
    }
    List<Answer<T>> answers = new ArrayList<>();
    for (int i = 0; i < runtimes.size(); i++) {
      answers.add(await(runtimes.get(i), asked.get(i), deadline));
    }
    return answers;
  }

  /**
   * Whether to wait for {@code runtime}: it never went silent, or has answered a probe since. While
   * it has not, a probe still out after the budget is given up on, and a new one sent every probe
   * interval.
   */
  private boolean answersAgain(ContainerRuntime runtime, Query<?> query) {
    Silence silence = silent.get(runtime);
    if (silence == null) {
      return true;
    }
    Future<?> probe = silence.probe();
    if (probe != null && answered(probe)) {
      silent.remove(runtime);
      return true;
    }
    long now = ticker.read();
    if (probe != null && !probe.isDone() && now - silence.probedNanos() >= budget.toNanos()) {
      probe.cancel(true);
    }
    if ((probe == null || probe.isDone())
        && now - silence.probedNanos() >= probeInterval.toNanos()) {
      silent.put(
          runtime,
          new Silence(
              silence.sinceNanos(),
              silence.message(),
              now,
              threads.submit(() -> query.ask(runtime))));
    }
    return false;
  }

  private static boolean answered(Future<?> probe) {
    if (!probe.isDone() || probe.isCancelled()) {
      return false;
    }
    try {
      probe.get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private <T> Answer<T> await(ContainerRuntime runtime, Future<T> answer, long deadline) {
    if (answer == null) {
      Silence silence = silent.get(runtime);
      long ago = TimeUnit.NANOSECONDS.toSeconds(ticker.read() - silence.sinceNanos());
      return new Answer<>(
          runtime,
          null,
          new RuntimeNotAnsweringException(
              silence.message() + " (" + ago + " s ago; not waited for until it answers again)"));
    }
    try {
      return new Answer<>(
          runtime, answer.get(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS), null);
    } catch (TimeoutException e) {
      answer.cancel(true);
      return notAnswering(
          runtime,
          new RuntimeNotAnsweringException(
              runtime + " did not answer within " + Durations.text(budget)));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeNotAnsweringException notAnswering) {
        return notAnswering(runtime, notAnswering);
      }
      if (e.getCause() instanceof RuntimeUnavailableException unavailable) {
        return new Answer<>(runtime, null, unavailable);
      }
      throw new IllegalStateException("asking " + runtime, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(true);
      return new Answer<>(
          runtime,
          null,
          new RuntimeUnavailableException("interrupted while waiting for " + runtime, e));
    }
  }

  private <T> Answer<T> notAnswering(ContainerRuntime runtime, RuntimeNotAnsweringException e) {
    long now = ticker.read();
    silent.put(runtime, new Silence(now, e.getMessage(), now, null));
    return new Answer<>(runtime, null, e);
  }
}
