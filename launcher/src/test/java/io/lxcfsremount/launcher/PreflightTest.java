package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.linux.Strategy;
import org.junit.jupiter.api.Test;

/** The start-up warnings. */
class PreflightTest {
  @Test
  void aRefusedMountApi_onAKernelThatHasIt_blamesSeccomp() {
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "6.18.44-fc-v657"))
        .hasValueSatisfying(
            warning ->
                assertThat(warning)
                    .startsWith(
                        "kernel 6.18.44-fc-v657 has the mount API, but open_tree, move_mount or"
                            + " mount_setattr is refused")
                    .contains("seccomp", "RuntimeDefault"));
    assertThat(Preflight.mountApiRefused(Strategy.ATOMIC_SWAP, "6.18.44")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "4.19.0-27-amd64")).isEmpty();
  }

  @Test
  void aKernelWithoutMountSetattr_usesTheClassicStrategyWithoutBlamingAnything() {
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.10.0-26-amd64")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.11.22")).isEmpty();
    assertThat(Preflight.mountApiRefused(Strategy.CLASSIC, "5.12.0")).isPresent();
  }

  @Test
  void kernelReleases_compareByMajorAndMinor() {
    assertThat(Preflight.atLeast("5.2.0", 5, 2)).isTrue();
    assertThat(Preflight.atLeast("5.15.0-91-generic", 5, 2)).isTrue();
    assertThat(Preflight.atLeast("5.1.21", 5, 2)).isFalse();
    assertThat(Preflight.atLeast("weird", 5, 2)).isFalse();
  }
}
