package io.lxcfsremount.launcher.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Events waiting to be written, folded as client-go's recorder folds them: one per pod and
 * reason, a repeat adding to the count and moving the last time and the message. At most {@code
 * maxPending} keys wait (a key that finds the queue full waits for its next occurrence, whose write
 * carries the whole count); writes are handed out as the node's token bucket allows, oldest key
 * first.
 */
final class EventQueue {
  private final int maxPending;
  private final TokenBucket budget;
  private final int maxKnown;
  private final Map<EventKey, Aggregate> known = new LinkedHashMap<>(16, 0.75f, true);
  private final Set<EventKey> pending = new LinkedHashSet<>();
  private boolean writing;
  private boolean closed;

  /**
   * @param maxKnown how many keys to remember, more than {@code maxPending}: a key forgotten (the
   *     least recently seen of those not waiting) and seen again is written as new, and then
   *     carries on the count of the Event it finds there
   */
  EventQueue(int maxPending, int maxKnown, TokenBucket budget) {
    if (maxKnown <= maxPending) {
      throw new IllegalArgumentException(
          "remember more keys (" + maxKnown + ") than may wait (" + maxPending + ")");
    }
    this.maxPending = maxPending;
    this.maxKnown = maxKnown;
    this.budget = budget;
  }

  /** One occurrence, counted; false when its key cannot wait, the queue being full. */
  synchronized boolean offer(EventKey key, String type, String message, Instant time) {
    if (!known.containsKey(key) && known.size() >= maxKnown) {
      forgetOne();
    }
    Aggregate aggregate = known.computeIfAbsent(key, k -> new Aggregate(type, time));
    aggregate.occurrences++;
    aggregate.message = message;
    aggregate.last = time;
    if (!pending.contains(key) && pending.size() >= maxPending) {
      return false;
    }
    pending.add(key);
    notifyAll();
    return true;
  }

  /**
   * Forgets the least recently seen key that does not wait (there is one: maxKnown > maxPending).
   */
  private void forgetOne() {
    Iterator<EventKey> keys = known.keySet().iterator();
    while (keys.hasNext()) {
      if (!pending.contains(keys.next())) {
        keys.remove();
        return;
      }
    }
  }

  /** The next write, when a key waits and the budget allows one; the caller reports its end. */
  synchronized Optional<EventWrite> take() {
    if (writing || pending.isEmpty() || !budget.tryTake()) {
      return Optional.empty();
    }
    Iterator<EventKey> oldest = pending.iterator();
    EventKey key = oldest.next();
    oldest.remove();
    Aggregate a = known.get(key);
    writing = true;
    return Optional.of(
        new EventWrite(
            key,
            a.type,
            a.message,
            a.first,
            a.last,
            a.occurrences,
            a.base + a.occurrences,
            a.exists));
  }

  /** The write of {@code write} succeeded: the Event now stands at {@code count}. */
  synchronized void written(EventWrite write, int count) {
    Aggregate aggregate = known.get(write.key());
    if (aggregate != null) {
      aggregate.base = count - write.occurrences();
      aggregate.exists = true;
    }
    writing = false;
  }

  /** The write failed: the key's next occurrence writes the whole count. */
  synchronized void failed() {
    writing = false;
  }

  /** How many keys wait. */
  synchronized int waiting() {
    return pending.size();
  }

  /** How many keys wait or are being written. */
  synchronized int unwritten() {
    return pending.size() + (writing ? 1 : 0);
  }

  /** Nothing is being written, and nothing can be now. */
  synchronized boolean idle() {
    return !writing && (pending.isEmpty() || !budget.hasToken());
  }

  /**
   * Waits for an occurrence, for {@link #close}, or for the bucket's next token when keys wait
   * ({@code max} at most then); returns at once once closed.
   */
  synchronized void awaitWork(Duration max) throws InterruptedException {
    if (closed) {
      return;
    }
    if (pending.isEmpty()) {
      wait();
      return;
    }
    Duration nap = budget.untilNext();
    if (nap.compareTo(max) > 0) {
      nap = max;
    }
    if (!nap.isZero()) {
      wait(Math.max(1, nap.toMillis()));
    }
  }

  /** No more waiting: what the budget allows is still handed out. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized boolean closed() {
    return closed;
  }

  /** What this agent knows of one Event. */
  private static final class Aggregate {
    final String type;
    final Instant first;
    Instant last;
    String message;
    int occurrences;
    int base;
    boolean exists;

    Aggregate(String type, Instant first) {
      this.type = type;
      this.first = first;
      this.last = first;
    }
  }
}
