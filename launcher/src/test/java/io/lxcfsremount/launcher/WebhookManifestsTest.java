package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.lxcfsremount.launcher.webhook.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The webhook's manifests (deploy/kubernetes/webhook), built with each certificate mode as kubectl
 * builds them, read as the API server reads them, and the promises of the webhook's design: pods
 * never blocked, both opt-in paths routed, never kube-system, the deployment's arguments accepted
 * by {@code lxcfs-remount webhook}, and RBAC of exactly what the self-managed mode does.
 */
class WebhookManifestsTest {
  private static final Set<String> CERT_MANAGER_KINDS = Set.of("Issuer", "Certificate");

  @ParameterizedTest
  @ValueSource(strings = {"cert-manager", "self-managed", "."})
  void eachMode_buildsIntoObjectsWithoutAnUnknownField(String mode) throws Exception {
    List<HasMetadata> objects = objects(mode);

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "ServiceAccount",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "MutatingWebhookConfiguration");
    for (HasMetadata object : objects) {
      if (!CERT_MANAGER_KINDS.contains(object.getKind())) {
        assertThat(DeployManifests.unknownFields(object)).as(object.getKind()).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cert-manager", "self-managed"})
  void theWebhooks_neverBlockAPod_andRouteBothOptIns_andNeverSeeKubeSystem(String mode)
      throws Exception {
    List<HasMetadata> objects = objects(mode);
    MutatingWebhookConfiguration configuration = only(objects, MutatingWebhookConfiguration.class);
    Service service = only(objects, Service.class);

    assertThat(configuration.getWebhooks())
        .extracting(w -> w.getClientConfig().getService().getPath())
        .containsExactlyInAnyOrder(Route.ANNOTATED_PODS.path(), Route.NAMESPACE_PODS.path());
    for (MutatingWebhook webhook : configuration.getWebhooks()) {
      assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getTimeoutSeconds()).isBetween(1, 5);
      assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
      assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
      RuleWithOperations rule = webhook.getRules().get(0);
      assertThat(webhook.getRules()).hasSize(1);
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("pods");
      assertThat(rule.getOperations()).containsExactly("CREATE");
      assertThat(webhook.getClientConfig().getService().getName())
          .isEqualTo(service.getMetadata().getName());
      assertThat(webhook.getClientConfig().getService().getNamespace())
          .isEqualTo(service.getMetadata().getNamespace());
      assertThat(webhook.getClientConfig().getService().getPort())
          .isEqualTo(service.getSpec().getPorts().get(0).getPort());
      assertThat(webhook.getNamespaceSelector().getMatchExpressions())
          .anySatisfy(
              e -> {
                assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).contains("kube-system", "lxcfs");
              });
      assertThat(webhook.getNamespaceSelector().getMatchExpressions())
          .anySatisfy(
              e -> {
                assertThat(e.getKey()).isEqualTo("pod-security.kubernetes.io/enforce");
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).containsExactlyInAnyOrder("baseline", "restricted");
              });
    }
    MutatingWebhook namespaces = webhook(configuration, Route.NAMESPACE_PODS);
    MutatingWebhook annotated = webhook(configuration, Route.ANNOTATED_PODS);
    assertThat(namespaces.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("lxcfs-admission-webhook", "enabled"));
    assertThat(annotated.getNamespaceSelector().getMatchExpressions())
        .anySatisfy(
            e -> {
              assertThat(e.getKey()).isEqualTo("lxcfs-admission-webhook");
              assertThat(e.getOperator()).isEqualTo("NotIn");
              assertThat(e.getValues()).containsExactly("enabled");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cert-manager", "self-managed"})
  void theDeployment_twoReplicasBehindAPdb_unprivileged_servingWhereTheServicePoints(String mode)
      throws Exception {
    List<HasMetadata> objects = objects(mode);
    Deployment deployment = only(objects, Deployment.class);
    PodDisruptionBudget budget = only(objects, PodDisruptionBudget.class);
    Service service = only(objects, Service.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container webhook = pod.getContainers().get(0);
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(labels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(labels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(webhook.getPorts())
        .anySatisfy(
            port -> {
              assertThat(port.getName())
                  .isEqualTo(service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
              assertThat(port.getContainerPort()).isEqualTo(8443);
            });
    assertThat(webhook.getArgs()).contains("--listen=0.0.0.0:8443");
    assertThat(webhook.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(webhook.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(webhook.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(webhook.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(webhook.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(pod.getServiceAccountName())
        .isEqualTo(only(objects, ServiceAccount.class).getMetadata().getName());
  }

  @Test
  void certManager_mountsTheCertificatesSecret_andInjectsItsCa() throws Exception {
    List<HasMetadata> objects = objects("cert-manager");
    Deployment deployment = only(objects, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    WebhookCommand command = parse(pod.getContainers().get(0));
    GenericKubernetesResource serving =
        objects.stream()
            .filter(o -> o.getKind().equals("Certificate"))
            .map(GenericKubernetesResource.class::cast)
            .filter(c -> c.get("spec", "isCA") == null)
            .findFirst()
            .orElseThrow();
    String secretName = serving.get("spec", "secretName");
    String mountPath = pod.getContainers().get(0).getVolumeMounts().get(0).getMountPath();

    assertThat(command.selfManaged.value()).isFalse();
    assertThat(command.certificateFile.value()).isEqualTo(Path.of(mountPath, "tls.crt"));
    assertThat(command.keyFile.value()).isEqualTo(Path.of(mountPath, "tls.key"));
    assertThat(pod.getVolumes().get(0).getSecret().getSecretName()).isEqualTo(secretName);
    assertThat(
            only(objects, MutatingWebhookConfiguration.class)
                .getMetadata()
                .getAnnotations()
                .get("cert-manager.io/inject-ca-from"))
        .isEqualTo(serving.getMetadata().getNamespace() + "/" + serving.getMetadata().getName());
    List<String> dnsNames = serving.get("spec", "dnsNames");
    assertThat(dnsNames).contains(serviceHost(objects) + ".svc");
  }

  @Test
  void selfManaged_fillsItsOwnConfiguration_withRbacForExactlyThat() throws Exception {
    List<HasMetadata> objects = objects("self-managed");
    Deployment deployment = only(objects, Deployment.class);
    WebhookCommand command =
        parse(deployment.getSpec().getTemplate().getSpec().getContainers().get(0));
    MutatingWebhookConfiguration configuration = only(objects, MutatingWebhookConfiguration.class);
    ClusterRole role = only(objects, ClusterRole.class);
    ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
    ServiceAccount account = only(objects, ServiceAccount.class);

    assertThat(command.selfManaged.value()).isTrue();
    assertThat(command.certificateFile.value()).isNull();
    assertThat(command.webhookConfiguration.value())
        .isEqualTo(configuration.getMetadata().getName());
    assertThat(command.service.value()).isEqualTo(serviceHost(objects));
    assertThat(role.getRules()).hasSize(1);
    PolicyRule rule = role.getRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("admissionregistration.k8s.io");
    assertThat(rule.getResources()).containsExactly("mutatingwebhookconfigurations");
    assertThat(rule.getResourceNames()).containsExactly(configuration.getMetadata().getName());
    assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
            });
    assertThat(account.getAutomountServiceAccountToken()).isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
        .isTrue();
  }

  private static List<HasMetadata> objects(String mode) throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    for (ObjectNode object : WebhookManifests.build(WebhookManifests.folder().resolve(mode))) {
      objects.add(WebhookManifests.typed(object));
    }
    return objects;
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static MutatingWebhook webhook(MutatingWebhookConfiguration configuration, Route route) {
    return configuration.getWebhooks().stream()
        .filter(w -> w.getClientConfig().getService().getPath().equals(route.path()))
        .findFirst()
        .orElseThrow();
  }

  /** NAME.NAMESPACE of the Service. */
  private static String serviceHost(List<HasMetadata> objects) {
    Service service = only(objects, Service.class);
    return service.getMetadata().getName() + "." + service.getMetadata().getNamespace();
  }

  /** The container's arguments, as {@code lxcfs-remount} reads them. */
  private static WebhookCommand parse(Container container) {
    List<String> args = container.getArgs();
    assertThat(args.get(0)).isEqualTo("webhook");
    WebhookCommand command = new WebhookCommand();
    new CommandLine(command.spec())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    return command;
  }
}
