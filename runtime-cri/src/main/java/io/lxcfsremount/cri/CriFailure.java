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
        status.getCode() == Status.Code.UNAVAILABLE || notHttp2(status)
            ? "cannot reach CRI at " + endpoint + ": " + detail
            : "CRI at " + endpoint + ": " + call + " failed: " + status.getCode() + ": " + detail;
    return new RuntimeUnavailableException(message, failure);
  }

  /**
   * Whether the socket answered in something other than HTTP/2 (an HTTP/1 server, say): gRPC
   * reports that as INTERNAL when the answer arrives before the connection is seen closed, and as
   * UNAVAILABLE after; either way there is no CRI there to reach.
   */
  private static boolean notHttp2(Status status) {
    return status.getCode() == Status.Code.INTERNAL
        && status.getDescription() != null
        && status.getDescription().startsWith("http2 exception");
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
