package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.lxcfsremount.launcher.webhook.CaBundlePublisher;
import io.lxcfsremount.launcher.webhook.SelfManagedCertificate;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The self-managed certificate mode against fabric8's mock API server (no API server runs on these
 * machines): the CA made at start lands in the caBundle of both webhooks, and the server
 * certificate verifies against that bundle for the Service's names, as the API server checks it.
 */
@EnableKubernetesMockClient(crud = true)
class CaBundlePublisherTest {
  private static final String NAME = "lxcfs-remount-webhook";

  KubernetesClient client;

  @BeforeEach
  void createTheConfiguration() {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(configuration(NAME))
        .create();
  }

  /** A configuration as the manifests make it: two webhooks, no caBundle yet. */
  static MutatingWebhookConfiguration configuration(String name) {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addNewWebhook()
        .withName("annotated-pods.lxcfs-remount.io")
        .withNewClientConfig()
        .withNewService()
        .withName("lxcfs-remount-webhook")
        .withNamespace("lxcfs")
        .withPath("/mutate")
        .endService()
        .endClientConfig()
        .endWebhook()
        .addNewWebhook()
        .withName("namespace-pods.lxcfs-remount.io")
        .withNewClientConfig()
        .withNewService()
        .withName("lxcfs-remount-webhook")
        .withNamespace("lxcfs")
        .withPath("/mutate-namespace")
        .endService()
        .endClientConfig()
        .endWebhook()
        .build();
  }

  /** The CAs in the caBundle of each webhook of {@code name}. */
  static List<List<X509Certificate>> bundles(KubernetesClient client, String name)
      throws Exception {
    List<List<X509Certificate>> bundles = new ArrayList<>();
    for (var webhook :
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(name)
            .get()
            .getWebhooks()) {
      String caBundle = webhook.getClientConfig().getCaBundle();
      List<X509Certificate> bundle = new ArrayList<>();
      if (caBundle != null) {
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caBundle)))
            .forEach(c -> bundle.add((X509Certificate) c));
      }
      bundles.add(bundle);
    }
    return bundles;
  }

  @Test
  void theSelfManagedCa_isPatchedIntoEveryWebhooksCaBundle_andVerifiesTheServersCertificate()
      throws Exception {
    SelfManagedCertificate.Issued issued =
        SelfManagedCertificate.issue(
            List.of(
                "lxcfs-remount-webhook.lxcfs.svc",
                "lxcfs-remount-webhook.lxcfs",
                "lxcfs-remount-webhook.lxcfs.svc.cluster.local"),
            Clock.systemUTC());

    new CaBundlePublisher(client, NAME, Clock.systemUTC()).publish(issued.ca());

    for (List<X509Certificate> bundle : bundles()) {
      assertThat(bundle).containsExactly(issued.ca());
    }
    X509Certificate server = issued.server().certificate();
    server.verify(issued.ca().getPublicKey());
    server.checkValidity();
    List<Object> names = new ArrayList<>();
    server.getSubjectAlternativeNames().forEach(name -> names.add(name.get(1)));
    assertThat(names).contains("lxcfs-remount-webhook.lxcfs.svc");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(issued.ca().getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void aSecondReplica_addsItsCa_keepsTheFirst_andPublishingAgainChangesNothing() throws Exception {
    CaBundlePublisher publisher = new CaBundlePublisher(client, NAME, Clock.systemUTC());
    X509Certificate first = WebhookTls.issue().ca();
    X509Certificate second = WebhookTls.issue().ca();

    publisher.publish(first);
    publisher.publish(second);
    String resourceVersion = configuration().getMetadata().getResourceVersion();
    publisher.publish(second);

    for (List<X509Certificate> bundle : bundles()) {
      assertThat(bundle).containsExactly(second, first);
    }
    assertThat(configuration().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void manyRestarts_keepTheBundleBounded_withTheNewestCas() throws Exception {
    CaBundlePublisher publisher = new CaBundlePublisher(client, NAME, Clock.systemUTC());
    List<X509Certificate> cas = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      X509Certificate ca = WebhookTls.issue().ca();
      cas.add(ca);
      publisher.publish(ca);
      Thread.sleep(1100);
    }

    for (List<X509Certificate> bundle : bundles()) {
      assertThat(bundle).hasSize(5).containsExactlyInAnyOrderElementsOf(cas.subList(3, 8));
    }
  }

  @Test
  void aMissingConfiguration_isNamed() {
    CaBundlePublisher publisher = new CaBundlePublisher(client, "no-such", Clock.systemUTC());

    assertThatThrownBy(() -> publisher.publish(WebhookTls.issue().ca()))
        .hasMessage("mutatingwebhookconfiguration no-such does not exist");
  }

  private MutatingWebhookConfiguration configuration() {
    return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(NAME).get();
  }

  private List<List<X509Certificate>> bundles() throws Exception {
    List<List<X509Certificate>> bundles = bundles(client, NAME);
    assertThat(bundles).hasSize(2);
    return bundles;
  }
}
