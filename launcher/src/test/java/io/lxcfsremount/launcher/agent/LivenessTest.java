package io.lxcfsremount.launcher.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {
  private long now;
  private final Liveness liveness =
      new Liveness(
          new Ticker() {
            @Override
            public long read() {
              return now;
            }
          });

  @Test
  void anAgentAsleep_isAlive_howeverLongItSleeps() {
    liveness.woke();
    liveness.asleep();
    now += Duration.ofHours(1).toNanos();

    assertThat(liveness.whyNotLive()).isEmpty();
  }

  @Test
  void aPassThatRunsPastTheLimit_isStuck_untilTheLoopSleepsAgain() {
    liveness.woke();
    now += Liveness.STUCK.minusSeconds(1).toNanos();
    assertThat(liveness.whyNotLive()).isEmpty();

    now += Duration.ofSeconds(2).toNanos();
    assertThat(liveness.whyNotLive()).hasValueSatisfying(why -> assertThat(why).contains("stuck"));

    liveness.asleep();
    assertThat(liveness.whyNotLive()).isEmpty();
  }
}
