package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.linux.Syscalls.CLONE_FS;
import static io.lxcfsremount.core.linux.Syscalls.CLONE_NEWNS;
import static io.lxcfsremount.core.linux.Syscalls.O_CLOEXEC;

import io.lxcfsremount.core.bounded.DaemonThreads;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Namespace threads that serve one mount namespace after another, so that a pass does not start and
 * end a platform thread for every container.
 *
 * <p>Why it is shaped this way: DESIGN.md lets a namespace thread serve several namespaces only if
 * it goes back to the agent's own mount namespace between them, by setns on a descriptor opened
 * before any thread left it, and dies if that fails. So a worker calls unshare(CLONE_FS) once, and
 * for each visit enters the container through the visit's pidfd, makes the visit's system calls,
 * and goes home at once; a worker that cannot go home ends there and is never handed another visit.
 * Waiting, handing over and counting happen only at home: outside, a worker makes nothing but
 * system calls on code loaded beforehand. A worker idle for {@link #KEEP_ALIVE} ends, so an idle
 * agent keeps none.
 */
final class NamespaceWorkers {
  /** Long enough to carry a pass's workers over to the next container, not to keep them idle. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

  /** The agent's own: home is its mount namespace, as /proc/self/ns/mnt is at start-up. */
  static final NamespaceWorkers OWN =
      new NamespaceWorkers(Syscalls.open("/proc/self/ns/mnt", O_CLOEXEC));

  /** What a worker does in one namespace; its methods run on the worker. */
  abstract static class Visit {
    private final CountDownLatch done = new CountDownLatch(1);

    /** The pidfd to enter through: the worker's own copy, valid until {@link #close}. */
    abstract int pidfd();

    /** Runs inside the namespace: system calls only. */
    abstract void inside();

    /** The namespace could not be entered: {@code operation} failed with {@code errno}. */
    abstract void notEntered(String operation, int errno);

    /** Releases the visit's descriptors, inside or at home. */
    abstract void close();

    /**
     * Waits for the visit, at most {@code timeout}; interrupts do not end the wait early (the
     * worker is mid-syscall in another namespace: results are read only once it is done).
     *
     * @return whether it was done, or its worker ended, in time
     */
    boolean await(Worker worker, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean interrupted = false;
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            // A worker that could not go home ends without a word: look at it now and then.
            if (done.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS)
                || !worker.thread.isAlive()) {
              return true;
            }
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private final int home;
  private final Deque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger alive = new AtomicInteger();

  /**
   * A worker could not unshare: a seccomp profile that refuses it refuses every worker, and workers
   * readied at each look of the watcher would start and end in a loop.
   */
  private volatile boolean unshareRefused;

  /**
   * @param home a descriptor of the mount namespace workers go back to after each visit (a
   *     descriptor setns refuses makes every worker end after its first visit)
   */
  NamespaceWorkers(int home) {
    this.home = home;
  }

  /** Hands {@code visit} to an idle worker, or to a new one; returns the worker it went to. */
  Worker start(Visit visit) {
    for (Worker worker = idle.pollFirst(); worker != null; worker = idle.pollFirst()) {
      if (worker.offer(visit)) {
        return worker;
      }
    }
    return startWorker(visit, KEEP_ALIVE);
  }

  /**
   * Starts workers, with no visit yet, until {@code count} are alive; each waits {@code idleFor}
   * for its first visit. Called ahead of a pass, so that the pass finds them started and unshared;
   * none once a worker could not unshare (each visit then starts its own, and fails saying why).
   */
  void ready(int count, Duration idleFor) {
    while (!unshareRefused && alive.get() < count) {
      startWorker(null, idleFor);
    }
  }

  private Worker startWorker(Visit first, Duration firstWait) {
    Worker worker = new Worker(first, firstWait);
    started.incrementAndGet();
    alive.incrementAndGet();
    worker.thread.start();
    return worker;
  }

  /** How many workers were started so far. */
  int started() {
    return started.get();
  }

  /** How many workers wait at home for a visit. */
  int idle() {
    return idle.size();
  }

  /** One namespace thread, serving visits in turn while it can go home after each. */
  final class Worker implements Runnable {
    final Thread thread;

    /** The visit it was started for, or null for one started ahead, waiting {@link #firstWait}. */
    private final Visit first;

    private final Duration firstWait;

    /** Guarded by this: the next visit, and whether the worker takes no more. */
    private Visit next;

    private boolean retired;

    private Worker(Visit first, Duration firstWait) {
      this.first = first;
      this.firstWait = firstWait;
      this.thread = DaemonThreads.create("mntns-worker", this);
    }

    /** Gives it up: whatever becomes of it, it takes no other visit. */
    synchronized void abandon() {
      retired = true;
    }

    private synchronized boolean offer(Visit visit) {
      if (retired) {
        return false;
      }
      next = visit;
      notifyAll();
      return true;
    }

    @Override
    public void run() {
      try {
        serve();
      } finally {
        alive.decrementAndGet();
      }
    }

    private void serve() {
      if (Syscalls.unshare(CLONE_FS) != 0) {
        int errno = Syscalls.errno();
        unshareRefused = true;
        abandon();
        if (first != null) {
          first.notEntered("unshare", errno);
          first.close();
          first.done.countDown();
        }
        return;
      }
      Visit visit = first;
      if (visit == null) {
        idle.offerFirst(this);
        visit = take(firstWait);
      }
      while (visit != null) {
        if (!home(visit)) {
          // Still in the container's namespace: end here, the caller sees the thread gone.
          return;
        }
        idle.offerFirst(this);
        visit.done.countDown();
        visit = take(KEEP_ALIVE);
      }
      idle.remove(this);
    }

    /** Makes {@code visit}; whether the worker is back home after it. */
    private boolean home(Visit visit) {
      if (Syscalls.setns(visit.pidfd(), CLONE_NEWNS) != 0) {
        visit.notEntered("setns", Syscalls.errno());
        visit.close();
        return true;
      }
      visit.inside();
      boolean back = Syscalls.setns(home, CLONE_NEWNS) == 0;
      visit.close();
      return back;
    }

    /** The next visit, waiting at most {@code keepAlive} for it; null once retired. */
    private synchronized Visit take(Duration keepAlive) {
      long deadline = System.nanoTime() + keepAlive.toNanos();
      while (next == null && !retired) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          retired = true;
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          retired = true;
        }
      }
      Visit visit = next;
      next = null;
      return visit;
    }
  }
}
