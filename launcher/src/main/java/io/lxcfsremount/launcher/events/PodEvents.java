package io.lxcfsremount.launcher.events;

import com.google.common.base.Throwables;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.watch.WatchListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the pods whose containers a pass touched, where {@code kubectl describe pod}
 * shows them: {@code Normal LxcfsRemounted} with the files re-bound (stacked on a locked dead
 * mount, or attached where one was missing, said so), {@code Warning LxcfsRemountFailed} with what
 * failed.
 *
 * <p>Built for a flapping lxcfs on thousands of nodes, as client-go's recorder is: one Event per
 * pod and reason, a repeat patching its count and last time ({@link EventQueue}); at most {@value
 * #MAX_PENDING} pods wait; the node writes {@value #BURST} Events at once (one lxcfs restart on a
 * full node) and then one every {@link #REFILL}, however often lxcfs restarts. Written from a
 * thread of their own: a slow, failing or unreachable API server is logged and never holds up a
 * repair.
 */
public final class PodEvents implements WatchListener, AutoCloseable {
  static final String REMOUNTED = "LxcfsRemounted";
  static final String FAILED = "LxcfsRemountFailed";

  /** Writes at once: above a kubelet's default of 110 pods per node. */
  static final int BURST = 128;

  /** Then one write per REFILL: 500 a second at most from 5,000 nodes flapping at once. */
  static final Duration REFILL = Duration.ofSeconds(10);

  static final int MAX_PENDING = 1024;

  /** What LxcfsRemounted reports: every state in which a dead or missing mount was mended. */
  private static final Set<MountState> MENDED =
      EnumSet.of(MountState.REPAIRED, MountState.STACKED, MountState.ATTACHED);

  /** As many keys as client-go's recorder remembers. */
  static final int MAX_KNOWN = 4096;

  /** How long a stopping agent goes on writing what it may. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(PodEvents.class);

  private final EventWriter writer;
  private final EventQueue queue;
  private final Clock clock;
  private final Thread poster;

  public PodEvents(KubernetesClient client, String nodeName, Clock clock) {
    this.writer = new EventWriter(client, nodeName);
    this.queue = new EventQueue(MAX_PENDING, MAX_KNOWN, new TokenBucket(BURST, REFILL, clock));
    this.clock = clock;
    this.poster = DaemonThreads.start("kubernetes-events", this::post);
  }

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    Instant now = clock.instant();
    Map<Pod, List<String>> repaired = new LinkedHashMap<>();
    Map<Pod, List<String>> failed = new LinkedHashMap<>();
    for (ContainerReport container : report.containers()) {
      Container owner = container.candidate().container();
      if (owner.pod() == null) {
        continue;
      }
      describe(owner, container, MENDED::contains, PodEvents::mended)
          .ifPresent(
              text -> repaired.computeIfAbsent(owner.pod(), p -> new ArrayList<>()).add(text));
      describe(
              owner,
              container,
              state -> state == MountState.FAILED,
              m -> m.target() + " (" + m.reason() + ")")
          .ifPresent(text -> failed.computeIfAbsent(owner.pod(), p -> new ArrayList<>()).add(text));
    }
    int full = 0;
    for (Map.Entry<Pod, List<String>> pod : repaired.entrySet()) {
      full += offer(pod, "Normal", REMOUNTED, "lxcfs restarted: re-bound ", now);
    }
    for (Map.Entry<Pod, List<String>> pod : failed.entrySet()) {
      full += offer(pod, "Warning", FAILED, "could not re-bind ", now);
    }
    if (full > 0) {
      log.warn(
          "{} pods wait for their Events already: {} more counted, written with their next repeat",
          queue.waiting(),
          full);
    }
  }

  /** Queues one pod's Event of {@code reason}: 1 when the queue is full, else 0. */
  private int offer(
      Map.Entry<Pod, List<String>> pod, String type, String reason, String lead, Instant now) {
    Pod owner = pod.getKey();
    EventKey key = new EventKey(owner.namespace(), owner.name(), owner.uid(), reason);
    return queue.offer(key, type, lead + String.join("; ", pod.getValue()), now) ? 0 : 1;
  }

  private static Optional<String> describe(
      Container owner,
      ContainerReport container,
      Predicate<MountState> states,
      Function<MountReport, String> mount) {
    List<MountReport> mounts =
        container.mounts().stream().filter(m -> states.test(m.state())).toList();
    if (mounts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        mounts.stream().map(mount).collect(Collectors.joining(", "))
            + " in container "
            + owner.name());
  }

  /** A mended mount as an operator reads it: how it was mended when it was not a plain swap. */
  private static String mended(MountReport mount) {
    return switch (mount.state()) {
      case STACKED -> mount.target() + " (on top of a dead mount locked in place)";
      case ATTACHED -> mount.target() + " (was missing)";
      default -> mount.target();
    };
  }

  private void post() {
    try {
      while (true) {
        Optional<EventWrite> next = queue.take();
        if (next.isPresent()) {
          write(next.get());
        } else if (queue.closed() && queue.idle()) {
          // Only once nothing more can be written: what was offered before close() still is.
          return;
        } else {
          queue.awaitWork(Duration.ofSeconds(1));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(EventWrite write) {
    try {
      queue.written(write, writer.write(write));
    } catch (RuntimeException e) {
      queue.failed();
      log.warn(
          "cannot write event {} on pod {}/{}: {}",
          write.key().reason(),
          write.key().namespace(),
          write.key().pod(),
          why(e));
    }
  }

  /** fabric8's message, and the cause it often leaves out ("An error has occurred."). */
  private static String why(RuntimeException e) {
    Throwable cause = Throwables.getRootCause(e);
    return cause == e ? e.getMessage() : e.getMessage() + " (" + cause + ")";
  }

  /** Nothing is being written, and nothing can be now (for tests). */
  boolean idle() {
    return queue.idle();
  }

  /**
   * Goes on writing what the budget allows for a few seconds, so that a stopping agent still
   * reports its last pass. The client stays open: it belongs to whoever made it.
   */
  @Override
  public void close() {
    queue.close();
    try {
      poster.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int unwritten = queue.unwritten();
    if (unwritten > 0) {
      log.warn("stopping with {} pods' Events not written", unwritten);
    }
  }
}
