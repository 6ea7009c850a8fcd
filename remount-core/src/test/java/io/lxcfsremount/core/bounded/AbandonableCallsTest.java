package io.lxcfsremount.core.bounded;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AbandonableCallsTest {
  private final AbandonableCalls calls = new AbandonableCalls("test-call", 2);
  private final CountDownLatch release = new CountDownLatch(1);

  @Test
  void anAnswerInTime_isReturned() throws Exception {
    assertEquals(42, calls.call("answer", Duration.ofSeconds(5), () -> 42));
  }

  @Test
  void aFailureInTime_isThrownAsItself() {
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                calls.call(
                    "fail",
                    Duration.ofSeconds(5),
                    () -> {
                      throw new IOException("statx /x: ENOTCONN");
                    }));
    assertEquals("statx /x: ENOTCONN", thrown.getMessage());
  }

  @Test
  void aCallThatNeverAnswers_isAbandonedAndNamed() throws Exception {
    TimeoutException thrown =
        assertThrows(
            TimeoutException.class,
            () -> calls.call("read /wedged", Duration.ofMillis(50), this::blockUntilReleased));
    assertEquals("read /wedged: no answer within 50 ms", thrown.getMessage());
    assertEquals(1, calls.stuck());
    release.countDown();
    await("the released call to be counted no more")
        .atMost(Duration.ofSeconds(5))
        .until(() -> calls.stuck() == 0);
  }

  @Test
  void tooManyStuckCalls_refuseTheNextAtOnce() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThrows(
          TimeoutException.class,
          () -> calls.call("read /wedged", Duration.ofMillis(10), this::blockUntilReleased));
    }
    TimeoutException thrown =
        assertThrows(
            TimeoutException.class, () -> calls.call("read /wedged", Duration.ofDays(1), () -> 1));
    assertEquals("read /wedged: not tried, 2 earlier calls are still stuck", thrown.getMessage());
    release.countDown();
  }

  @Test
  void callsMadeTogether_neverHoldMoreThreadsThanTheCap() throws Exception {
    AtomicInteger started = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 2; i++) {
        callers.submit(
            () ->
                calls.call(
                    "read /slow",
                    Duration.ofSeconds(30),
                    () -> {
                      started.incrementAndGet();
                      return blockUntilReleased();
                    }));
      }
      await("both calls to run").atMost(Duration.ofSeconds(5)).until(() -> started.get() == 2);

      TimeoutException thrown =
          assertThrows(
              TimeoutException.class,
              () -> calls.call("read /slow", Duration.ofMillis(50), started::incrementAndGet));

      assertEquals(
          "read /slow: not tried, 2 earlier calls are still running after 50 ms",
          thrown.getMessage());
      assertEquals(2, started.get());
      release.countDown();
      assertEquals(7, calls.call("read /fast", Duration.ofSeconds(5), () -> 7));
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  private int blockUntilReleased() throws InterruptedException {
    release.await();
    return 0;
  }
}
