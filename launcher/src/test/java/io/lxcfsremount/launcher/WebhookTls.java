package io.lxcfsremount.launcher;

import io.lxcfsremount.launcher.webhook.SelfManagedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA with a certificate for localhost, as PEM files the webhook reads, and an HTTP client
 * that trusts the CAs it is given (and nothing else), as the API server trusts its caBundle.
 */
final class WebhookTls {
  private WebhookTls() {}

  /** A new CA and a localhost certificate of it. */
  static SelfManagedCertificate.Issued issue() {
    return SelfManagedCertificate.issue(List.of("localhost"), Clock.systemUTC());
  }

  /** Writes the certificate chain and key (PKCS#8) as cert-manager's tls.crt and tls.key. */
  static void write(SelfManagedCertificate.Issued issued, Path certificateFile, Path keyFile)
      throws IOException {
    StringBuilder chain = new StringBuilder();
    issued.server().chain().forEach(c -> chain.append(SelfManagedCertificate.pem(c)));
    String key =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(issued.server().key().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(certificateFile, chain, StandardCharsets.US_ASCII);
    Files.writeString(keyFile, key, StandardCharsets.US_ASCII);
  }

  /** A client trusting exactly {@code cas}, with a fresh connection pool. */
  static HttpClient client(X509Certificate... cas) throws GeneralSecurityException, IOException {
    return HttpClient.newBuilder()
        .sslContext(trusting(cas))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** TLS that trusts exactly {@code cas}. */
  static SSLContext trusting(X509Certificate... cas) throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    for (int i = 0; i < cas.length; i++) {
      trusted.setCertificateEntry("ca-" + i, cas[i]);
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }

  /** A port nothing listens on now, for a server started by a test. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
