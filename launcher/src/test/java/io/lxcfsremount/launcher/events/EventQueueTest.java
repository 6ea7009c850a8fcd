package io.lxcfsremount.launcher.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lxcfsremount.launcher.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How Events wait: folded per pod and reason, bounded, and handed out as the budget allows. */
class EventQueueTest {
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private final MovableClock clock = new MovableClock(START);

  @Test
  void repeatsOfAKey_foldIntoOneWrite_withTheirCountTheFirstAndLastTimeAndTheLastMessage() {
    EventQueue queue = queue(10, 20, 10);

    queue.offer(key("a"), "Normal", "first", START);
    queue.offer(key("a"), "Normal", "second", START.plusSeconds(5));

    EventWrite write = queue.take().orElseThrow();
    assertThat(write.count()).isEqualTo(2);
    assertThat(write.message()).isEqualTo("second");
    assertThat(write.firstTime()).isEqualTo(START);
    assertThat(write.lastTime()).isEqualTo(START.plusSeconds(5));
    assertThat(write.exists()).isFalse();
    queue.written(write, write.count());
    assertThat(queue.take()).isEmpty();

    queue.offer(key("a"), "Normal", "third", START.plusSeconds(9));
    EventWrite repeat = queue.take().orElseThrow();
    assertThat(repeat.exists()).isTrue();
    assertThat(repeat.count()).isEqualTo(3);
  }

  @Test
  void aKeyThatFindsTheQueueFull_isCounted_andItsNextOccurrenceWritesTheWholeCount() {
    EventQueue queue = queue(2, 10, 10);
    queue.offer(key("a"), "Normal", "m", START);
    queue.offer(key("b"), "Normal", "m", START);

    assertThat(queue.offer(key("c"), "Normal", "m", START)).isFalse();
    queue.written(queue.take().orElseThrow(), 1);
    assertThat(queue.offer(key("c"), "Normal", "m", START)).isTrue();

    queue.written(queue.take().orElseThrow(), 1);
    EventWrite c = queue.take().orElseThrow();
    assertThat(c.key()).isEqualTo(key("c"));
    assertThat(c.count()).isEqualTo(2);
  }

  @Test
  void writes_followTheBudget_aBurstThenOnePerRefill() {
    EventQueue queue = queue(10, 20, 2);
    for (String pod : new String[] {"a", "b", "c"}) {
      queue.offer(key(pod), "Normal", "m", START);
    }

    queue.written(queue.take().orElseThrow(), 1);
    queue.written(queue.take().orElseThrow(), 1);
    assertThat(queue.take()).isEmpty();
    assertThat(queue.idle()).isTrue();

    clock.move(Duration.ofSeconds(10));
    assertThat(queue.take()).hasValueSatisfying(w -> assertThat(w.key()).isEqualTo(key("c")));
  }

  @Test
  void anEventWrittenBeforeThisAgent_carriesOnItsCount() {
    EventQueue queue = queue(10, 20, 10);
    queue.offer(key("a"), "Normal", "m", START);

    EventWrite first = queue.take().orElseThrow();
    queue.written(first, 7 + first.count());
    queue.offer(key("a"), "Normal", "m", START);

    assertThat(queue.take().orElseThrow().count()).isEqualTo(9);
  }

  @Test
  void aForgottenKey_isWrittenAsNewAgain_andAWaitingKeyIsNeverForgotten() {
    EventQueue queue = queue(2, 3, 10);
    queue.offer(key("a"), "Normal", "m", START);
    queue.written(queue.take().orElseThrow(), 1);
    queue.offer(key("b"), "Normal", "m", START);
    queue.offer(key("c"), "Normal", "m", START);

    queue.offer(key("d"), "Normal", "m", START);
    EventWrite b = queue.take().orElseThrow();
    queue.written(b, 1);
    EventWrite c = queue.take().orElseThrow();
    queue.written(c, 1);
    queue.offer(key("a"), "Normal", "m", START);

    assertThat(List.of(b.key(), c.key())).containsExactly(key("b"), key("c"));
    EventWrite a = queue.take().orElseThrow();
    assertThat(a.key()).isEqualTo(key("a"));
    assertThat(a.exists()).isFalse();
    assertThat(a.count()).isEqualTo(1);
  }

  @Test
  void rememberingNoMoreKeysThanMayWait_isRefused() {
    assertThatThrownBy(() -> queue(4, 4, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("remember more keys (4) than may wait (4)");
  }

  private EventQueue queue(int maxPending, int maxKnown, int burst) {
    return new EventQueue(
        maxPending, maxKnown, new TokenBucket(burst, Duration.ofSeconds(10), clock));
  }

  private static EventKey key(String pod) {
    return new EventKey("shop", pod, "uid-" + pod, PodEvents.REMOUNTED);
  }
}
