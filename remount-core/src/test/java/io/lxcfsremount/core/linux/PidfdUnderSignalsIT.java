package io.lxcfsremount.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;

/**
 * Whether a process is alive, asked of its pidfd while the asking thread is signalled throughout.
 * poll(2) is never restarted after a signal handler, even with a zero timeout: a profiler's SIGPROF
 * (or any signal the JVM handles) once made one repair in two report a container "failed: poll
 * pidfd: EINTR". SIGPIPE stands in for those here: the JVM handles it by ignoring it.
 */
class PidfdUnderSignalsIT {
  private static final int SIGPIPE = 13;
  private static final int SIGNALS = 50_000;

  /** gettid and tgkill, which the agent itself never calls. */
  public interface Threads {
    long syscall(long number);

    long syscall(long number, long processId, long threadId, long signal);
  }

  private static final Threads THREADS = LibraryLoader.create(Threads.class).load("c");

  @Test
  void isAlive_staysTrueForALiveProcess_whileItsThreadIsSignalledThroughout() throws Exception {
    boolean x86 = Architecture.current().orElseThrow() == Architecture.X86_64;
    long gettid = x86 ? 186 : 178;
    long tgkill = x86 ? 234 : 131;
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try (Fd pidfd = Linux.pidfdOpen(sleeper.pid())) {
      AtomicLong threadId = new AtomicLong();
      CountDownLatch started = new CountDownLatch(1);
      AtomicInteger deadAnswers = new AtomicInteger();
      AtomicInteger polls = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<LinuxException> failure = new AtomicReference<>();
      Thread poller =
          new Thread(
              () -> {
                threadId.set(THREADS.syscall(gettid));
                started.countDown();
                try {
                  while (!stop.get()) {
                    if (!Linux.isAlive(pidfd)) {
                      deadAnswers.incrementAndGet();
                    }
                    polls.incrementAndGet();
                  }
                } catch (LinuxException e) {
                  failure.set(e);
                }
              },
              "poll-under-signals");
      poller.start();
      assertThat(started.await(10, TimeUnit.SECONDS)).as("the polling thread started").isTrue();
      long pid = ProcessHandle.current().pid();
      for (int i = 0; i < SIGNALS && poller.isAlive(); i++) {
        THREADS.syscall(tgkill, pid, threadId.get(), SIGPIPE);
      }
      stop.set(true);
      poller.join(TimeUnit.SECONDS.toMillis(10));

      assertThat(poller.isAlive()).as("the polling thread stopped within 10 s").isFalse();
      assertThat(failure.get()).isNull();
      assertThat(deadAnswers).hasValue(0);
      assertThat(polls.get()).as("polls made under the signals").isPositive();
    } finally {
      sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
