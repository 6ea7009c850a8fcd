package io.lxcfsremount.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Runtimes asked together under one budget; one that does not answer is not waited for again until
 * it answers a probe.
 */
class RuntimeCallsTest {
  private static final Duration BUDGET = Duration.ofMillis(300);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

  /** The real clock, which a test can move forward. */
  private final AtomicLong skipped = new AtomicLong();

  private final Ticker ticker =
      new Ticker() {
        @Override
        public long read() {
          return System.nanoTime() + skipped.get();
        }
      };

  private final RuntimeCalls calls = new RuntimeCalls(BUDGET, PROBE_INTERVAL, ticker);

  @Test
  void ask_runtimesThatNeverAnswer_areWaitedForTogether_andInterrupted() throws Exception {
    Wedged docker = new Wedged("docker");
    Wedged cri = new Wedged("cri");

    List<RuntimeCalls.Answer<List<Container>>> answers =
        calls.ask(List.of(docker, cri), ContainerRuntime::runningContainers);

    assertThat(answers).extracting(RuntimeCalls.Answer::answered).containsExactly(false, false);
    assertThat(answers.get(0).failure())
        .isInstanceOf(RuntimeNotAnsweringException.class)
        .hasMessage("docker at unix:///wedged.sock did not answer within 300 ms");
    assertThat(docker.interrupted.await(5, TimeUnit.SECONDS))
        .as("docker's call interrupted")
        .isTrue();
    assertThat(cri.interrupted.await(5, TimeUnit.SECONDS)).as("cri's call interrupted").isTrue();
  }

  @Test
  void ask_runtimeThatDidNotAnswer_isNotWaitedForAgain_butProbedInTheBackground() throws Exception {
    Wedged docker = new Wedged("docker");
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);

    RuntimeCalls.Answer<List<Container>> again =
        calls.ask(List.of(docker), ContainerRuntime::runningContainers).get(0);

    assertThat(docker.calls).hasValue(1);
    assertThat(again.failure())
        .isInstanceOf(RuntimeNotAnsweringException.class)
        .hasMessage(
            "docker at unix:///wedged.sock did not answer within 300 ms (0 s ago; not waited for"
                + " until it answers again)");

    skipped.addAndGet(PROBE_INTERVAL.toNanos());
    RuntimeCalls.Answer<List<Container>> whileProbing =
        calls.ask(List.of(docker), ContainerRuntime::runningContainers).get(0);

    assertThat(whileProbing.answered()).isFalse();
    awaitCalls(docker, 2);
  }

  @Test
  void ask_runtimeThatAnswersAProbe_isAskedAsBefore() throws Exception {
    Wedged docker = new Wedged("docker");
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);
    docker.answering = true;
    skipped.addAndGet(PROBE_INTERVAL.toNanos());
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);
    awaitCalls(docker, 2);

    RuntimeCalls.Answer<List<Container>> answer = awaitAnswer(docker);

    assertThat(answer.value()).isEmpty();
  }

  @Test
  void ask_aProbeThatDoesNotAnswerEither_isGivenUpOnAfterTheBudget() throws Exception {
    Wedged docker = new Wedged("docker");
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);
    skipped.addAndGet(PROBE_INTERVAL.toNanos());
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);
    awaitCalls(docker, 2);

    skipped.addAndGet(BUDGET.toNanos());
    calls.ask(List.of(docker), ContainerRuntime::runningContainers);

    assertThat(docker.interrupted.await(5, TimeUnit.SECONDS)).as("the probe interrupted").isTrue();
  }

  @Test
  void ask_runtimeThatSaysItIsDown_isAskedAgainNextTime() {
    AtomicInteger asked = new AtomicInteger();
    ContainerRuntime down =
        new Named("docker") {
          @Override
          public List<Container> runningContainers() throws RuntimeUnavailableException {
            asked.incrementAndGet();
            throw new RuntimeUnavailableException("cannot reach Docker: connection refused");
          }
        };

    RuntimeCalls.Answer<List<Container>> first =
        calls.ask(List.of(down), ContainerRuntime::runningContainers).get(0);
    calls.ask(List.of(down), ContainerRuntime::runningContainers);

    assertThat(first.failure()).hasMessage("cannot reach Docker: connection refused");
    assertThat(asked).hasValue(2);
  }

  @Test
  void ask_aRuntimesOwnDeadline_holdsItOffToo() {
    AtomicInteger asked = new AtomicInteger();
    ContainerRuntime slow =
        new Named("cri") {
          @Override
          public List<Container> runningContainers() throws RuntimeUnavailableException {
            asked.incrementAndGet();
            throw new RuntimeNotAnsweringException("CRI did not answer ListContainers within 5 s");
          }
        };

    calls.ask(List.of(slow), ContainerRuntime::runningContainers);
    RuntimeCalls.Answer<List<Container>> again =
        calls.ask(List.of(slow), ContainerRuntime::runningContainers).get(0);

    assertThat(asked).hasValue(1);
    assertThat(again.failure())
        .hasMessageStartingWith("CRI did not answer ListContainers within 5 s (");
  }

  @Test
  void ask_answersComeInTheOrderAsked() {
    Container web = new Container("docker", "abc", "web", 20, null);
    ContainerRuntime wedged = new Wedged("cri");
    ContainerRuntime docker =
        new Named("docker") {
          @Override
          public List<Container> runningContainers() {
            return List.of(web);
          }
        };

    List<RuntimeCalls.Answer<List<Container>>> answers =
        calls.ask(List.of(wedged, docker), ContainerRuntime::runningContainers);

    assertThat(answers).extracting(RuntimeCalls.Answer::runtime).containsExactly(wedged, docker);
    assertThat(answers.get(1).value()).containsExactly(web);
  }

  private static void awaitCalls(Wedged runtime, int calls) {
    await(calls + " calls to " + runtime)
        .atMost(Duration.ofSeconds(5))
        .until(() -> runtime.calls.get() >= calls);
    assertThat(runtime.calls).as("calls to " + runtime).hasValue(calls);
  }

  /** The answer once the runtime's probe has come back, within 5 s. */
  private RuntimeCalls.Answer<List<Container>> awaitAnswer(ContainerRuntime runtime) {
    return await(runtime + " asked after its probe answered")
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> calls.ask(List.of(runtime), ContainerRuntime::runningContainers).get(0),
            RuntimeCalls.Answer::answered);
  }

  private abstract static class Named implements ContainerRuntime {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String describe() {
      return toString();
    }

    @Override
    public String toString() {
      return name + " at unix:///wedged.sock";
    }
  }

  /** Accepts the call and never answers, as a wedged daemon's socket does, until told to answer. */
  private static final class Wedged extends Named {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch interrupted = new CountDownLatch(1);
    volatile boolean answering;

    Wedged(String name) {
      super(name);
    }

    @Override
    public List<Container> runningContainers() {
      calls.incrementAndGet();
      if (answering) {
        return List.of();
      }
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return List.of();
    }
  }
}
