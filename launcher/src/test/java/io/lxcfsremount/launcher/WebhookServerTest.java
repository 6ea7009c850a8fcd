package io.lxcfsremount.launcher;

import static io.lxcfsremount.launcher.AdmissionReviews.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Ticker;
import io.lxcfsremount.launcher.webhook.AdmissionHandler;
import io.lxcfsremount.launcher.webhook.CertificateFiles;
import io.lxcfsremount.launcher.webhook.Route;
import io.lxcfsremount.launcher.webhook.SelfManagedCertificate;
import io.lxcfsremount.launcher.webhook.WebhookServer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real TLS, asked by a real HTTP client that trusts only the test's CA, with
 * AdmissionReviews as the API server sends them; each patch applied to its pod with a JSON Patch
 * library, as the API server does.
 */
class WebhookServerTest {
  static final String LXCFS_DIR = "/var/lib/lxcfs";
  static final String INJECTED = "lxcfs-remount.io/injected";
  static final List<String> TARGETS =
      List.of(
          "/proc/cpuinfo",
          "/proc/diskstats",
          "/proc/loadavg",
          "/proc/meminfo",
          "/proc/slabinfo",
          "/proc/stat",
          "/proc/swaps",
          "/proc/uptime",
          "/sys/devices/system/cpu/online");

  @TempDir Path tls;
  private SelfManagedCertificate.Issued issued;
  private WebhookServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    issued = WebhookTls.issue();
    WebhookTls.write(issued, certificateFile(), keyFile());
    server =
        WebhookServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            CertificateFiles.load(certificateFile(), keyFile(), Ticker.systemTicker()),
            new AdmissionHandler(LXCFS_DIR, Set.of("kube-system", "lxcfs")));
    client = WebhookTls.client(issued.ca());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAnnotatedPod_everyContainerInitAndSidecarIncluded_getsEachLxcfsFileReadOnly()
      throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-annotated");

    JsonNode answer = review(Route.ANNOTATED_PODS, review);

    assertThat(answer.at("/apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.at("/kind").asText()).isEqualTo("AdmissionReview");
    assertThat(answer.at("/response/uid").asText())
        .isEqualTo("5f3a8e0c-2b61-4d3c-9f0e-8c1d2a7b4e91");
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    ObjectNode pod = AdmissionReviews.patched(review, answer);
    for (String container : List.of("migrate", "log-shipper", "app")) {
      JsonNode mounts = container(pod, container).get("volumeMounts");
      assertThat(targets(mounts))
          .as(container)
          .containsExactlyElementsOf(
              concat("/var/run/secrets/kubernetes.io/serviceaccount", TARGETS));
      for (JsonNode mount : mounts) {
        if (TARGETS.contains(mount.get("mountPath").asText())) {
          assertThat(mount.get("readOnly").asBoolean()).as(mount.toString()).isTrue();
          JsonNode volume = volume(pod, mount.get("name").asText());
          assertThat(volume.at("/hostPath/path").asText())
              .isEqualTo(LXCFS_DIR + mount.get("mountPath").asText());
          assertThat(volume.at("/hostPath/type").asText()).isEqualTo("File");
        }
      }
    }
    assertThat(pod.at("/spec/volumes")).hasSize(1 + TARGETS.size());
    assertNoDuplicates(pod);
    assertThat(injected(pod))
        .isEqualTo(Map.of("app", TARGETS, "log-shipper", TARGETS, "migrate", TARGETS));
    assertThat(pod.at("/metadata/annotations/io.kubernetes.container.lxcfsEnable").asText())
        .isEqualTo("True");
  }

  @Test
  void theInjectedAnnotation_isTheDocumentedFormat() throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-plain");

    ObjectNode pod = AdmissionReviews.patched(review, review(Route.NAMESPACE_PODS, review));

    assertThat(pod.at("/metadata/annotations").get(INJECTED).asText())
        .isEqualTo(
            "{\"app\":[\"/proc/cpuinfo\",\"/proc/diskstats\",\"/proc/loadavg\",\"/proc/meminfo\","
                + "\"/proc/slabinfo\",\"/proc/stat\",\"/proc/swaps\",\"/proc/uptime\","
                + "\"/sys/devices/system/cpu/online\"]}");
  }

  @Test
  void aPodNotOptedIn_isAllowedUnchanged_andTheSamePodInALabelledNamespaceIsPatched()
      throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-plain");

    JsonNode annotatedRoute = review(Route.ANNOTATED_PODS, review);
    JsonNode namespaceRoute = review(Route.NAMESPACE_PODS, review);

    assertThat(annotatedRoute.at("/response/allowed").asBoolean()).isTrue();
    assertThat(annotatedRoute.at("/response/uid").asText())
        .isEqualTo("a1c4e7d2-0f3b-4e55-b8a1-6d2c9e3f7b20");
    assertThat(AdmissionReviews.patch(annotatedRoute)).isEmpty();
    assertThat(annotatedRoute.at("/response/patchType").isMissingNode()).isTrue();
    ObjectNode pod = AdmissionReviews.patched(review, namespaceRoute);
    assertThat(targets(container(pod, "app").get("volumeMounts"))).containsAll(TARGETS);
  }

  @Test
  void aPodOptedOut_inALabelledNamespace_isAllowedUnchanged() throws Exception {
    JsonNode answer = review(Route.NAMESPACE_PODS, AdmissionReviews.fixture("pod-opted-out"));

    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(AdmissionReviews.patch(answer)).isEmpty();
  }

  @Test
  void anAnnotatedPodInKubeSystemOrTheLxcfsNamespace_isNeverMutated() throws Exception {
    for (String namespace : List.of("kube-system", "lxcfs")) {
      ObjectNode review = AdmissionReviews.fixture("pod-kube-system");
      ((ObjectNode) review.get("request")).put("namespace", namespace);
      ((ObjectNode) review.at("/request/object/metadata")).put("namespace", namespace);
      for (Route route : Route.values()) {
        JsonNode answer = review(route, review);

        assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
        assertThat(AdmissionReviews.patch(answer)).as(namespace + " " + route.path()).isEmpty();
      }
    }
  }

  @Test
  void aContainerWithItsOwnProcMeminfo_keepsIt_andNoVolumeNameIsUsedTwice() throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-own-meminfo");

    ObjectNode pod = AdmissionReviews.patched(review, review(Route.ANNOTATED_PODS, review));

    JsonNode mounts = container(pod, "app").get("volumeMounts");
    List<JsonNode> meminfo = new ArrayList<>();
    mounts.forEach(
        m -> {
          if (m.get("mountPath").asText().equals("/proc/meminfo")) {
            meminfo.add(m);
          }
        });
    assertThat(meminfo).hasSize(1);
    assertThat(meminfo.get(0).get("name").asText()).isEqualTo("own-meminfo");
    assertThat(volume(pod, "lxcfs-proc-cpuinfo").has("emptyDir")).isTrue();
    JsonNode cpuinfo =
        volume(pod, mountAt(mounts, "/proc/cpuinfo").get("name").asText()).get("hostPath");
    assertThat(cpuinfo.get("path").asText()).isEqualTo(LXCFS_DIR + "/proc/cpuinfo");
    assertNoDuplicates(pod);
    List<String> withoutMeminfo = new ArrayList<>(TARGETS);
    withoutMeminfo.remove("/proc/meminfo");
    assertThat(injected(pod)).isEqualTo(Map.of("app", withoutMeminfo));
  }

  @Test
  void aPatchedPod_reinvoked_getsNoPatch() throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-annotated");
    ObjectNode pod = AdmissionReviews.patched(review, review(Route.ANNOTATED_PODS, review));

    JsonNode again =
        review(Route.ANNOTATED_PODS, AdmissionReviews.about(review, pod, "second-call"));

    assertThat(again.at("/response/uid").asText()).isEqualTo("second-call");
    assertThat(again.at("/response/allowed").asBoolean()).isTrue();
    assertThat(AdmissionReviews.patch(again)).isEmpty();
  }

  @Test
  void aPatchedPod_reinvokedAfterAnotherWebhookAddedAContainer_patchesOnlyThatContainer()
      throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-annotated");
    ObjectNode pod = AdmissionReviews.patched(review, review(Route.ANNOTATED_PODS, review));
    ObjectNode proxy =
        ((com.fasterxml.jackson.databind.node.ArrayNode) pod.at("/spec/containers")).addObject();
    proxy.put("name", "mesh-proxy");
    proxy.put("image", "registry.example.com/mesh/proxy:1.0");

    ObjectNode twice =
        AdmissionReviews.patched(
            AdmissionReviews.about(review, pod, "after-mesh"),
            review(Route.ANNOTATED_PODS, AdmissionReviews.about(review, pod, "after-mesh")));

    assertThat(targets(container(twice, "mesh-proxy").get("volumeMounts")))
        .containsExactlyElementsOf(TARGETS);
    assertThat(twice.at("/spec/volumes")).hasSize(1 + TARGETS.size());
    assertThat(twice.at("/spec/containers/0")).isEqualTo(pod.at("/spec/containers/0"));
    assertNoDuplicates(twice);
    assertThat(injected(twice).keySet())
        .containsExactly("app", "log-shipper", "mesh-proxy", "migrate");
  }

  @Test
  void aWindowsPod_isAllowedUnchanged() throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-plain");
    ((ObjectNode) AdmissionReviews.object(review).get("spec"))
        .putObject("os")
        .put("name", "windows");

    assertThat(AdmissionReviews.patch(review(Route.NAMESPACE_PODS, review))).isEmpty();
  }

  @Test
  void listsGivenAsNull_areTakenAsEmpty() throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-plain");
    ObjectNode spec = (ObjectNode) AdmissionReviews.object(review).get("spec");
    spec.putNull("volumes");
    spec.putNull("initContainers");
    ((ObjectNode) spec.get("containers").get(0)).putNull("volumeMounts");

    ObjectNode pod = AdmissionReviews.patched(review, review(Route.NAMESPACE_PODS, review));

    assertThat(targets(container(pod, "app").get("volumeMounts")))
        .containsExactlyElementsOf(TARGETS);
    assertThat(pod.at("/spec/volumes")).hasSize(TARGETS.size());
    assertNoDuplicates(pod);
  }

  @Test
  void aBodyThatIsNotAnAdmissionReview_is400_andTheServerKeepsServing() throws Exception {
    List<String> bodies =
        List.of(
            "garbage",
            "",
            "[]",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"}}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}");

    for (String body : bodies) {
      HttpResponse<String> response = post(Route.ANNOTATED_PODS, body);

      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.body().lines()).as(body).hasSize(1);
    }
    assertThat(review(Route.ANNOTATED_PODS, AdmissionReviews.fixture("pod-annotated"))).isNotNull();
  }

  @Test
  void aRequestThatIsNotAPod_isAllowedUnchanged() throws Exception {
    JsonNode answer = review(Route.NAMESPACE_PODS, AdmissionReviews.fixture("configmap"));

    assertThat(answer.at("/response/uid").asText())
        .isEqualTo("b2f5c8e1-4d73-4a96-8c2b-9e0f3a7d1c64");
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(AdmissionReviews.patch(answer)).isEmpty();
  }

  @Test
  void renewedCertificateFiles_areServedWithoutARestart_andBrokenOnesAreNot() throws Exception {
    BigInteger first = servedSerial(issued.ca());
    SelfManagedCertificate.Issued renewed = WebhookTls.issue();

    WebhookTls.write(renewed, certificateFile(), keyFile());

    BigInteger second = renewed.server().certificate().getSerialNumber();
    assertThat(first).isEqualTo(issued.server().certificate().getSerialNumber());
    Eventually.within(
        Duration.ofSeconds(10),
        "the renewed certificate served",
        () -> second.equals(servedSerial(issued.ca(), renewed.ca())));
    Files.writeString(
        keyFile(), "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
    Thread.sleep(1500);
    assertThat(servedSerial(issued.ca(), renewed.ca())).isEqualTo(second);
  }

  private BigInteger servedSerial(X509Certificate... cas) throws Exception {
    HttpResponse<String> response =
        WebhookTls.client(cas)
            .send(
                HttpRequest.newBuilder(uri("/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  private JsonNode review(Route route, JsonNode review) throws Exception {
    HttpResponse<String> response = post(route, review.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> post(Route route, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(route.path()))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("https://localhost:" + server.port() + path);
  }

  private Path certificateFile() {
    return tls.resolve("tls.crt");
  }

  private Path keyFile() {
    return tls.resolve("tls.key");
  }

  static JsonNode container(JsonNode pod, String name) {
    for (String field : List.of("initContainers", "containers")) {
      for (JsonNode container : pod.at("/spec/" + field)) {
        if (container.get("name").asText().equals(name)) {
          return container;
        }
      }
    }
    throw new AssertionError("no container " + name + " in " + pod);
  }

  static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.at("/spec/volumes")) {
      if (volume.get("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod.at("/spec/volumes"));
  }

  private static JsonNode mountAt(JsonNode mounts, String path) {
    for (JsonNode mount : mounts) {
      if (mount.get("mountPath").asText().equals(path)) {
        return mount;
      }
    }
    throw new AssertionError("no mount at " + path + " in " + mounts);
  }

  static List<String> targets(JsonNode mounts) {
    List<String> targets = new ArrayList<>();
    mounts.forEach(mount -> targets.add(mount.get("mountPath").asText()));
    return targets;
  }

  /** What the API server would refuse: a volume name twice, or a mountPath twice in a container. */
  static void assertNoDuplicates(JsonNode pod) {
    Set<String> volumes = new HashSet<>();
    pod.at("/spec/volumes")
        .forEach(v -> assertThat(volumes.add(v.get("name").asText())).as(v.toString()).isTrue());
    for (String field : List.of("initContainers", "containers")) {
      for (JsonNode container : pod.at("/spec/" + field)) {
        Set<String> paths = new HashSet<>();
        container
            .path("volumeMounts")
            .forEach(
                m -> {
                  assertThat(paths.add(m.get("mountPath").asText())).as(m.toString()).isTrue();
                  assertThat(volumes).contains(m.get("name").asText());
                });
      }
    }
  }

  /** The annotation that records what went where, read as the agent will read it. */
  static Map<String, List<String>> injected(JsonNode pod) throws Exception {
    String value = pod.at("/metadata/annotations").get(INJECTED).asText();
    Map<String, List<String>> injected = new TreeMap<>();
    JSON.readTree(value)
        .fields()
        .forEachRemaining(entry -> injected.put(entry.getKey(), texts(entry.getValue())));
    return injected;
  }

  private static List<String> texts(JsonNode paths) {
    List<String> list = new ArrayList<>();
    paths.forEach(path -> list.add(path.asText()));
    return list;
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }
}
