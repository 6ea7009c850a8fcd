package io.lxcfsremount.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The one place that decides whether a real test can run here. A test that cannot is disabled with
 * the reason; with {@code LXCFS_REMOUNT_REQUIRE_E2E=1} (as scripts/test sets it) it runs and fails
 * with that reason instead, so CI never silently skips.
 */
public final class RealEnvironment implements ExecutionCondition, BeforeAllCallback {
  public static final String REQUIRE_E2E = "LXCFS_REMOUNT_REQUIRE_E2E";

  private static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  // A loaded machine answers a ping in milliseconds; a wedged engine never does.
  private static final Duration DOCKER_PING_TIMEOUT = Duration.ofSeconds(10);

  /** Something a real test needs. */
  public enum Need {
    /** Root with CAP_SYS_ADMIN, /dev/fuse, and the lxcfs, unshare and nsenter programs. */
    LXCFS,
    /** A Docker engine answering {@code GET /_ping} on /var/run/docker.sock. */
    DOCKER,
    /** A containerd with its CRI plugin, at the socket in LXCFS_REMOUNT_TEST_CRI_ENDPOINT. */
    CRI,
    /** The kubectl program (Debian: kubernetes-client), for {@code kubectl kustomize}. */
    KUBECTL,
    /** The Prometheus server and promtool (Debian's prometheus package). */
    PROMETHEUS
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> missing = missing(context);
    if (missing.isEmpty() || required()) {
      return ConditionEvaluationResult.enabled("real environment available or required");
    }
    return ConditionEvaluationResult.disabled(missing.get());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    missing(context)
        .ifPresent(
            reason -> {
              throw new IllegalStateException(
                  REQUIRE_E2E + "=1 but this real test cannot run: " + reason);
            });
  }

  private static boolean required() {
    return "1".equals(System.getenv(REQUIRE_E2E));
  }

  private static Optional<String> missing(ExtensionContext context) {
    List<String> reasons = new ArrayList<>();
    for (Need need : needs(context)) {
      reasons.addAll(check(need));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static Need[] needs(ExtensionContext context) {
    return context
        .getTestClass()
        .flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresReal.class))
        .map(RequiresReal::value)
        .orElse(new Need[0]);
  }

  private static List<String> check(Need need) {
    List<String> reasons = new ArrayList<>();
    switch (need) {
      case LXCFS -> {
        if (!isRoot()) {
          reasons.add("not root (mounting and setns need it)");
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
          reasons.add("no /dev/fuse");
        }
        for (String program : List.of("lxcfs", "unshare", "nsenter")) {
          if (Programs.find(program).isEmpty()) {
            reasons.add(program + " is not installed (scripts/test installs it)");
          }
        }
      }
      case DOCKER -> {
        DockerPing.problem(DOCKER_SOCKET, DOCKER_PING_TIMEOUT)
            .ifPresent(
                problem ->
                    reasons.add(
                        "Docker is not available at "
                            + DOCKER_SOCKET
                            + ": "
                            + problem
                            + " (scripts/test starts dockerd)"));
      }
      case CRI -> {
        String endpoint = System.getenv("LXCFS_REMOUNT_TEST_CRI_ENDPOINT");
        if (endpoint == null || !Files.exists(Path.of(endpoint.replaceFirst("^unix://", "")))) {
          reasons.add(
              "containerd CRI is not available: LXCFS_REMOUNT_TEST_CRI_ENDPOINT is unset or not a"
                  + " socket (scripts/test starts containerd)");
        }
      }
      case KUBECTL -> {
        if (Programs.find("kubectl").isEmpty()) {
          reasons.add("kubectl is not installed (scripts/test installs kubernetes-client)");
        }
      }
      case PROMETHEUS -> {
        for (String program : List.of("prometheus", "promtool")) {
          if (Programs.find(program).isEmpty()) {
            reasons.add(program + " is not installed (scripts/test installs prometheus)");
          }
        }
      }
    }
    return reasons;
  }
}
