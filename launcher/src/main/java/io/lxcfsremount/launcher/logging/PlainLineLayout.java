package io.lxcfsremount.launcher.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The plain log line, as Logback's pattern {@value #PATTERN} writes it (and, as Logback adds to
 * every pattern, the stack trace of a throwable). Written out rather than parsed from the pattern:
 * Logback's pattern layout builds its date formatter as it starts, loading java.time's zone rules,
 * and links a method reference for each of its fifty converters, about 20 ms of every start, most
 * of whose commands (repair, status) log nothing. Here the formatter is built at the first line.
 */
final class PlainLineLayout extends LayoutBase<ILoggingEvent> {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

  /** The width {@code %-5level} pads the level to. */
  private static final int LEVEL_WIDTH = 5;

  /** Holds the formatter, so that the class loading it is initialized at the first line. */
  private static final class Time {
    static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    Time.FORMAT.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
    String level = event.getLevel().toString();
    line.append(' ').append(level);
    for (int i = level.length(); i < LEVEL_WIDTH; i++) {
      line.append(' ');
    }
    String logger = event.getLoggerName();
    line.append(' ')
        .append(logger, logger.lastIndexOf('.') + 1, logger.length())
        .append(" - ")
        .append(event.getFormattedMessage())
        .append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append(ThrowableProxyUtil.asString(thrown));
    }
    return line.toString();
  }
}
