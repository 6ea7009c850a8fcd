package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lxcfs-remount webhook --self-managed-tls}, the jar as the Deployment runs it, against
 * fabric8's mock API server (no API server runs on these machines): it puts its CA into both
 * webhooks' caBundle, and serves a certificate that this CA verifies for the Service's name, as the
 * API server checks it when it calls {@code lxcfs-remount-webhook.lxcfs.svc}.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookSelfManagedIT {
  private static final String NAME = "lxcfs-remount-webhook";

  KubernetesClient client;
  @TempDir Path home;
  private Process webhook;

  @AfterEach
  void stop() throws Exception {
    if (webhook != null) {
      Programs.stop(webhook);
    }
  }

  @Test
  void selfManagedTls_putsItsCaInEveryCaBundle_andServesACertificateOfIt() throws Exception {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(CaBundlePublisherTest.configuration(NAME))
        .create();
    int port = WebhookTls.freePort();

    webhook =
        LxcfsRemountJar.builder(
                Map.of(
                    "KUBERNETES_MASTER", client.getConfiguration().getMasterUrl(),
                    "KUBERNETES_TRUST_CERTIFICATES", "true",
                    "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                    "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"),
                List.of("webhook", "--self-managed-tls", "--listen", "127.0.0.1:" + port))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("webhook.log").toFile())
            .start();

    Eventually.within(
        Duration.ofSeconds(60),
        "the CA in both caBundles",
        () -> CaBundlePublisherTest.bundles(client, NAME).stream().allMatch(b -> b.size() == 1),
        this::log);
    X509Certificate ca = CaBundlePublisherTest.bundles(client, NAME).get(0).get(0);
    assertThat(CaBundlePublisherTest.bundles(client, NAME).get(1)).containsExactly(ca);
    Eventually.within(
        Duration.ofSeconds(30), "the webhook serves", () -> healthz(port, ca) != null, this::log);
    X509Certificate served = healthz(port, ca);
    List<Object> names = new ArrayList<>();
    served.getSubjectAlternativeNames().forEach(name -> names.add(name.get(1)));
    assertThat(names).contains("lxcfs-remount-webhook.lxcfs.svc");
    assertThat(log()).contains("CA CN=lxcfs-remount webhook CA").doesNotContain("\tat ");
  }

  /**
   * GET /healthz over TLS trusting only {@code ca}: the certificate served, or null when the
   * handshake or the answer fails. The host name is checked on the certificate's names instead.
   */
  private static X509Certificate healthz(int port, X509Certificate ca) {
    try {
      try (SSLSocket socket =
          (SSLSocket) WebhookTls.trusting(ca).getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                "GET /healthz HTTP/1.1\r\nHost: lxcfs-remount-webhook.lxcfs.svc\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        return answer.startsWith("HTTP/1.1 200")
            ? (X509Certificate) socket.getSession().getPeerCertificates()[0]
            : null;
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      return null;
    }
  }

  private String log() throws IOException {
    return Files.readString(home.resolve("webhook.log"));
  }
}
