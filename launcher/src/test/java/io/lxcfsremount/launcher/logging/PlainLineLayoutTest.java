package io.lxcfsremount.launcher.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class PlainLineLayoutTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("io.lxcfsremount.core.watch.Watcher");

  @Test
  void writesTheLineLogbacksPatternWrites() {
    assertSameAsPattern(event(Level.INFO, "lxcfs at {} is healthy", null, "/var/lib/lxcfs"));
    assertSameAsPattern(event(Level.WARN, "cannot reach Docker", null));
    assertSameAsPattern(event(Level.DEBUG, "nothing to do", null));
  }

  @Test
  void addsTheStackTraceOfAThrowableAsLogbackDoes() {
    IOException cause = new IOException("read /proc/42/mountinfo: ESRCH");
    assertSameAsPattern(
        event(Level.WARN, "cannot verify {}", new UncheckedIOException(cause), "web-1"));
  }

  @Test
  void keepsALoggerWithoutAPackageWhole() {
    ILoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(), context.getLogger("Main"), Level.ERROR, "x", null, null);
    assertSameAsPattern(event);
  }

  private ILoggingEvent event(Level level, String message, Throwable thrown, Object... arguments) {
    return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, arguments);
  }

  private void assertSameAsPattern(ILoggingEvent event) {
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(PlainLineLayout.PATTERN);
    pattern.start();
    PlainLineLayout plain = new PlainLineLayout();
    plain.setContext(context);
    plain.start();

    assertThat(plain.doLayout(event)).isEqualTo(pattern.doLayout(event));
  }
}
