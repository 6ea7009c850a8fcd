package io.lxcfsremount.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PassThreadsTest {
  private final PassThreads threads =
      new PassThreads(2, Duration.ofSeconds(10), Duration.ofMillis(100));

  @Test
  void results_comeInTheOrderOfTheItems_fromAtMostParallelismThreadsAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();

    List<String> results =
        threads.map(
            List.of(5, 1, 4, 2, 3),
            n -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              sleep(n * 10L);
              running.decrementAndGet();
              return "item " + n;
            },
            (n, why) -> "failed " + n);

    assertThat(results).containsExactly("item 5", "item 1", "item 4", "item 2", "item 3");
    assertThat(most.get()).isBetween(1, 2);
  }

  @Test
  void anItemWhoseWorkThrows_getsWhy_theOthersTheirResult() {
    List<String> results =
        threads.map(
            List.of(1, 2, 3),
            n -> {
              if (n == 2) {
                throw new IllegalStateException("no table");
              }
              return "item " + n;
            },
            (n, why) -> "item " + n + " failed: " + why);

    assertThat(results)
        .containsExactly(
            "item 1", "item 2 failed: java.lang.IllegalStateException: no table", "item 3");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
