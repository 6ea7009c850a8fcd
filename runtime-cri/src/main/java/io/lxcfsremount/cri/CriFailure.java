package io.lxcfsremount.cri;

import io.grpc.Status;
import io.lxcfsremount.core.runtime.RuntimeNotAnsweringException;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.time.Duration;

/** Turns a failed CRI call into one line that names the endpoint and what went wrong. */
final class CriFailure {
  private CriFailure() {}

  static RuntimeUnavailableException of(
      CriEndpoint endpoint, String call, Throwable failure, Duration deadline) {
    Status status = Status.fromThrowable(failure);
    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
      return new NotCriException(
          endpoint + " does not speak CRI v1: " + call + " is UNIMPLEMENTED", failure);
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new RuntimeNotAnsweringException(
          "CRI at "
              + endpoint
              + " did not answer "
              + call
              + " within "
              + deadline.toMillis()
              + " ms",
          failure);
    }
    String detail = detail(status);
    String message =
        switch (status.getCode()) {
          case UNAVAILABLE -> "cannot reach CRI at " + endpoint + ": " + detail;
          default ->
              "CRI at " + endpoint + ": " + call + " failed: " + status.getCode() + ": " + detail;
        };
    return new RuntimeUnavailableException(message, failure);
  }

  /** The description, and the root cause where gRPC's description alone says little. */
  private static String detail(Status status) {
    String description = status.getDescription() == null ? "" : status.getDescription();
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    String detail =
        description.isEmpty() || why.isEmpty() ? description + why : description + ": " + why;
    return (detail.isEmpty() ? status.getCode().toString() : detail).replaceAll("\\s*\\n\\s*", " ");
  }
}
