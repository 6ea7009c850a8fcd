package io.lxcfsremount.docker;

/**
 * The line that says why a Docker endpoint did not answer: docker-java's transport wraps the
 * socket's IOException in a bare RuntimeException, whose message repeats the class name.
 */
final class DockerFailures {
  private DockerFailures() {}

  /** The innermost cause's message, the one that says what the socket said. */
  static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    return decapitalize(firstLine(message));
  }

  /**
   * {@code Connection refused} reads {@code connection refused} after a colon; {@code EOF} stays.
   */
  private static String decapitalize(String message) {
    if (message.length() > 1
        && Character.isUpperCase(message.charAt(0))
        && Character.isLowerCase(message.charAt(1))) {
      return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    return message;
  }

  private static String firstLine(String message) {
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }
}
