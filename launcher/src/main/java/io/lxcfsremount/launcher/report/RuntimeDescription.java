package io.lxcfsremount.launcher.report;

import io.lxcfsremount.core.runtime.RuntimeCalls;
import java.util.List;

/**
 * A source of containers as {@code status} shows it: {@code cri} and {@code containerd 1.6.20 (CRI
 * v1) at unix:///run/containerd/containerd.sock}, or why it could not be asked.
 */
public record RuntimeDescription(String name, String describe) {

  public static List<RuntimeDescription> of(List<RuntimeCalls.Answer<String>> answers) {
    return answers.stream().map(RuntimeDescription::of).toList();
  }

  private static RuntimeDescription of(RuntimeCalls.Answer<String> answer) {
    return new RuntimeDescription(
        answer.runtime().name(),
        answer.answered() ? answer.value() : "unavailable: " + answer.failure().getMessage());
  }
}
