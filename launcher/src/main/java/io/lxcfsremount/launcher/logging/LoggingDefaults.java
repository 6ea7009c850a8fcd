package io.lxcfsremount.launcher.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the command line has chosen one (plain lines on stderr), found by
 * Logback through its Configurator service. Written in Java rather than logback.xml: parsing XML
 * took a fifth of a second of every start.
 */
public final class LoggingDefaults extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging.configure(context, LogFormat.PLAIN, false);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
