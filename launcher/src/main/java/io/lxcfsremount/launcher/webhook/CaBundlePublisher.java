package io.lxcfsremount.launcher.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a self-managed CA into the caBundle of every webhook of one MutatingWebhookConfiguration, so
 * the API server trusts the webhook's certificate. What it needs of the API, and all the RBAC
 * grants it: get and patch of that one configuration.
 *
 * <p>Each replica makes its own CA, so a replica adds its CA to the bundle instead of replacing it,
 * and keeps the other replicas' CAs: the {@value #KEPT_OTHERS} newest of them that have not
 * expired, so the bundle does not grow with every restart. The patch is conditional on the
 * resourceVersion it read (a JSON Patch {@code test}), so two replicas starting together do not
 * drop each other's CA; a conflict is read and tried again.
 */
public final class CaBundlePublisher {
  static final int KEPT_OTHERS = 4;
  private static final int ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(CaBundlePublisher.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final KubernetesClient client;
  private final String configuration;
  private final Clock clock;

  public CaBundlePublisher(KubernetesClient client, String configuration, Clock clock) {
    this.client = client;
    this.configuration = configuration;
    this.clock = clock;
  }

  /**
   * Makes sure every webhook of the configuration trusts {@code ca}; patches only what lacks it.
   *
   * @throws KubernetesClientException when the API server refuses, or keeps conflicting
   * @throws IllegalStateException when the configuration does not exist
   */
  public void publish(X509Certificate ca) {
    for (int attempt = 1; ; attempt++) {
      MutatingWebhookConfiguration current =
          client
              .admissionRegistration()
              .v1()
              .mutatingWebhookConfigurations()
              .withName(configuration)
              .get();
      if (current == null) {
        throw new IllegalStateException(
            "mutatingwebhookconfiguration " + configuration + " does not exist");
      }
      ArrayNode patch = patch(current, ca);
      if (patch.size() == 1) {
        return;
      }
      try {
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(configuration)
            .patch(PatchContext.of(PatchType.JSON), patch.toString());
        log.info(
            "CA {} added to the caBundle of mutatingwebhookconfiguration {}",
            ca.getSubjectX500Principal().getName(),
            configuration);
        return;
      } catch (KubernetesClientException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        log.debug(
            "caBundle patch of {} conflicted, reading again: {}", configuration, e.getMessage());
      }
    }
  }

  /** A test of the resourceVersion read, then one operation per webhook that lacks the CA. */
  private ArrayNode patch(MutatingWebhookConfiguration current, X509Certificate ca) {
    ArrayNode operations = NODES.arrayNode();
    ObjectNode test = operations.addObject();
    test.put("op", "test");
    test.put("path", "/metadata/resourceVersion");
    test.put("value", current.getMetadata().getResourceVersion());
    List<MutatingWebhook> webhooks = current.getWebhooks();
    for (int index = 0; index < webhooks.size(); index++) {
      String bundle =
          webhooks.get(index).getClientConfig() == null
              ? null
              : webhooks.get(index).getClientConfig().getCaBundle();
      List<X509Certificate> others = certificates(bundle);
      if (others.contains(ca)) {
        continue;
      }
      ObjectNode operation = operations.addObject();
      operation.put("op", "add");
      operation.put("path", "/webhooks/" + index + "/clientConfig/caBundle");
      operation.put("value", bundle(ca, others));
    }
    return operations;
  }

  private String bundle(X509Certificate ca, List<X509Certificate> others) {
    StringBuilder pem = new StringBuilder(SelfManagedCertificate.pem(ca));
    others.stream()
        .filter(other -> other.getNotAfter().toInstant().isAfter(clock.instant()))
        .sorted(Comparator.comparing(X509Certificate::getNotBefore).reversed())
        .limit(KEPT_OTHERS)
        .forEach(other -> pem.append(SelfManagedCertificate.pem(other)));
    return Base64.getEncoder().encodeToString(pem.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** The CAs of a caBundle; none of one that does not read. */
  static List<X509Certificate> certificates(String caBundle) {
    if (caBundle == null || caBundle.isEmpty()) {
      return List.of();
    }
    try {
      byte[] pem = Base64.getDecoder().decode(caBundle);
      List<X509Certificate> certificates = new ArrayList<>();
      CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .forEach(certificate -> certificates.add((X509Certificate) certificate));
      return certificates;
    } catch (IllegalArgumentException | CertificateException e) {
      return List.of();
    }
  }
}
