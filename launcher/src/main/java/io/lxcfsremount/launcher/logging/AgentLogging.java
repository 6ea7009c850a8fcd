package io.lxcfsremount.launcher.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * slf4j's provider: Logback, set up in code at once, plain lines on stderr until the command line
 * chooses ({@link Logging#configure(LoggingOptions)}). Logback's own provider first looks for a
 * configuration (service loader, system properties, files), then prints its status: that starts
 * java.time's zone rules and the JDK's string concatenation, about 25 ms of every start, of
 * commands that mostly log nothing. Found by slf4j through the service loader; the jar leaves out
 * Logback's own provider.
 */
public final class AgentLogging implements SLF4JServiceProvider {
  /** The slf4j API Logback 1.5 is built for. */
  private static final String API_VERSION = "2.0.99";

  private final LoggerContext context = new LoggerContext();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

  @Override
  public void initialize() {
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    context.setMDCAdapter(mdc);
    Logging.configure(context, LogFormat.PLAIN, false);
    context.start();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return API_VERSION;
  }
}
