package io.lxcfsremount.core.bounded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void aStartedThread_isADaemon_namedAsAsked_andRunsItsTask() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();

    Thread thread =
        DaemonThreads.start("probe-test", () -> ran.complete(Thread.currentThread().getName()));

    assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("probe-test");
    assertThat(thread.isDaemon()).isTrue();
  }

  @Test
  void aPoolsThreads_areDaemons_allOfOneName_andNotStarted() {
    Thread thread = DaemonThreads.named("pool-test").newThread(() -> {});

    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).isEqualTo("pool-test");
    assertThat(thread.getState()).isEqualTo(Thread.State.NEW);
  }
}
