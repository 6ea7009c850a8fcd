package io.lxcfsremount.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Uninterruptibles;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A runtime's connection, set up in the background and waited for by its calls. */
class ConnectingTest {
  private static final String ENDPOINT = "CRI at unix:///run/containerd/containerd.sock";

  @Test
  void everyCall_getsTheConnection_setUpOnItsOwnThread() throws Exception {
    Connecting<String> connecting =
        Connecting.start(ENDPOINT, "test-connect", () -> Thread.currentThread().getName());

    assertThat(connecting.await()).isEqualTo("test-connect");
    assertThat(connecting.await()).isEqualTo("test-connect");
  }

  @Test
  void aFailedSetUp_failsEveryCall_withItsOneLine() {
    Connecting<String> connecting =
        Connecting.start(
            ENDPOINT,
            "test-connect",
            () -> {
              throw new RuntimeUnavailableException("cannot reach " + ENDPOINT + ": refused");
            });

    for (int call = 0; call < 2; call++) {
      assertThatThrownBy(connecting::await)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessage("cannot reach " + ENDPOINT + ": refused");
    }
  }

  @Test
  void aSetUpThatIsABug_failsEveryCall_namingTheEndpoint() {
    Connecting<String> connecting =
        Connecting.start(
            ENDPOINT,
            "test-connect",
            () -> {
              throw new IllegalArgumentException("no such option");
            });

    assertThatThrownBy(connecting::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("connecting to " + ENDPOINT)
        .hasRootCauseMessage("no such option");
  }

  @Test
  void theWarmUp_getsTheConnection_onceItIsSetUp() throws Exception {
    AtomicReference<String> warmedUp = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Connecting.start(
        ENDPOINT,
        "test-connect",
        () -> "channel",
        channel -> {
          warmedUp.set(channel + " on " + Thread.currentThread().getName());
          done.countDown();
        });

    assertThat(done.await(10, TimeUnit.SECONDS)).as("warm-up within 10 s").isTrue();
    assertThat(warmedUp).hasValue("channel on test-connect");
  }

  @Test
  void close_closesAConnectionThatIsSetUpAfterwards() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Connecting<String> connecting =
        Connecting.start(
            ENDPOINT,
            "test-connect",
            () -> {
              Uninterruptibles.awaitUninterruptibly(release, 10, TimeUnit.SECONDS);
              return "channel";
            });

    connecting.close(channel -> closed.countDown());
    assertThat(closed.getCount()).as("closed before it was set up").isOne();
    release.countDown();

    assertThat(closed.await(10, TimeUnit.SECONDS)).as("closed within 10 s of its set-up").isTrue();
  }
}
