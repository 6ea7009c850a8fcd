package io.lxcfsremount.launcher.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/** Sets up Logback from the command line: plain lines or JSON lines, on stderr. */
public final class Logging {
  private Logging() {}

  public static void configure(LoggingOptions options) {
    configure(
        (LoggerContext) LoggerFactory.getILoggerFactory(), options.format(), options.verbose());
  }

  /**
   * Plain or JSON lines on stderr: warnings from libraries, the agent's own lines at info (or
   * debug).
   */
  static void configure(LoggerContext context, LogFormat format, boolean verbose) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder(format, context));
    stderr.start();
    root.addAppender(stderr);
    root.setLevel(Level.WARN);
    context.getLogger("io.lxcfsremount").setLevel(verbose ? Level.DEBUG : Level.INFO);
  }

  private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext context) {
    if (format == LogFormat.JSON) {
      LogstashEncoder json = new LogstashEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PlainLineLayout line = new PlainLineLayout();
    line.setContext(context);
    line.start();
    LayoutWrappingEncoder<ILoggingEvent> plain = new LayoutWrappingEncoder<>();
    plain.setContext(context);
    plain.setLayout(line);
    plain.start();
    return plain;
  }
}
