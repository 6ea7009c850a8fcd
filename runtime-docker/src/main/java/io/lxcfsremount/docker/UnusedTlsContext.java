package io.lxcfsremount.docker;

import com.github.dockerjava.transport.SSLConfig;
import javax.net.ssl.SSLContext;

/**
 * The TLS context for a unix socket, which never carries TLS. docker-java's httpclient5 transport
 * builds a TLS strategy whatever the scheme; given no context, it loads the JDK's default one
 * (security providers, the trust store, the public suffix list): some 0.1 s of CPU in a short-lived
 * process, for nothing. The transport only ever uses the context for https, so this one has no
 * implementation at all.
 */
final class UnusedTlsContext implements SSLConfig {

  @Override
  public SSLContext getSSLContext() {
    return new SSLContext(null, null, "none: a unix socket carries no TLS") {};
  }
}
