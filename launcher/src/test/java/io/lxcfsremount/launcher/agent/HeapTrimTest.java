package io.lxcfsremount.launcher.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapTrimTest {
  private int collections;
  private final HeapTrim trim = new HeapTrim(() -> collections++);

  @Test
  void aRecoveryAndTheFullPassAfterIt_areCollectedOnce_whenTheWatcherSleeps() {
    trim.woke();
    trim.passCompleted(null, null);
    trim.passCompleted(null, null);
    assertThat(collections).isZero();

    trim.asleep();

    assertThat(collections).isEqualTo(1);
  }

  @Test
  void aWakeUpWithNoPass_collectsNothing() {
    trim.passCompleted(null, null);
    trim.asleep();
    trim.woke();
    trim.asleep();

    assertThat(collections).isEqualTo(1);
  }
}
