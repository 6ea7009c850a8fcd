package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.ENOTCONN;
import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.CRI;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lxcfsremount.core.runtime.Injected;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import io.lxcfsremount.cri.CriPods;
import io.lxcfsremount.cri.CriPods.FileMount;
import io.lxcfsremount.cri.CriPods.TestPod;
import io.lxcfsremount.launcher.webhook.SelfManagedCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's patch, end to end: the jar serves {@code webhook} over TLS, pointed at the test's
 * lxcfs; an AdmissionReview as the API server sends it comes back with a JSON Patch, applied to the
 * pod; then every container of the patched pod is started on the real containerd through CRI with
 * exactly the patched file mounts (as kubelet would mount the hostPath volumes), and reads its own
 * memory limit. After lxcfs restarts, {@code repair}, run with only the capabilities the deployment
 * grants, brings every one of them back.
 *
 * <p>Volumes that only a kubelet makes (the service account token, a ConfigMap) are left out, or
 * stood in for by a file of the test, as named in each test.
 */
@RequiresReal({LXCFS, CRI})
class WebhookCriIT {
  private static final String DEPLOYED_CAPABILITIES = "-all,+sys_admin,+sys_chroot,+sys_ptrace";

  @TempDir Path home;
  private LxcfsProcess lxcfs;
  private CriPods pods;
  private Process webhook;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.start();
    pods = CriPods.connect();
    SelfManagedCertificate.Issued tls = WebhookTls.issue();
    WebhookTls.write(tls, home.resolve("tls.crt"), home.resolve("tls.key"));
    client = WebhookTls.client(tls.ca());
    port = WebhookTls.freePort();
    webhook =
        LxcfsRemountJar.builder(
                Map.of(),
                List.of(
                    "webhook",
                    "--listen",
                    "127.0.0.1:" + port,
                    "--tls-cert-file",
                    home.resolve("tls.crt").toString(),
                    "--tls-private-key-file",
                    home.resolve("tls.key").toString(),
                    "--lxcfs-dir",
                    lxcfs.dir().toString()))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("webhook.log").toFile())
            .start();
    Eventually.within(Duration.ofSeconds(60), "the webhook serves", this::healthy, this::log);
  }

  @AfterEach
  void stop() throws Exception {
    try (LxcfsProcess l = lxcfs;
        CriPods p = pods) {
      if (webhook != null) {
        Programs.stop(webhook);
      }
    }
  }

  @Test
  void anAnnotatedPod_everyContainerReadsItsOwnLimit_andAfterLxcfsRestartsTheAgentRepairsThem()
      throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-annotated");
    ObjectNode patched = AdmissionReviews.patched(review, mutate(review));
    TestPod pod = pods.runPod("web");

    Map<String, String> containers = startAll(pod, patched, Map.of());

    assertThat(containers.keySet()).containsExactly("migrate", "log-shipper", "app");
    for (Map.Entry<String, String> container : containers.entrySet()) {
      assertThat(pods.meminfo(container.getValue()).stdout())
          .as(container.getKey())
          .startsWith(LIMITED_MEMINFO);
      assertThat(lxcfsMounts(container.getValue())).as(container.getKey()).hasSize(9);
      assertThat(pods.exec(container.getValue(), "cat", "/proc/uptime").exitCode()).isZero();
    }

    lxcfs.restart();
    assertThat(pods.meminfo(containers.get("app")).stderr()).contains(ENOTCONN);
    Programs.Result repair = repairAsDeployed(containers.values());

    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.stdout()).contains("27 repaired in 3 of 3 containers");
    for (Map.Entry<String, String> container : containers.entrySet()) {
      assertThat(pods.meminfo(container.getValue()).stdout())
          .as(container.getKey())
          .startsWith(LIMITED_MEMINFO);
      assertThat(lxcfsMounts(container.getValue())).as(container.getKey()).hasSize(9);
    }
  }

  /** The ConfigMap the fixture's container mounts at /proc/meminfo is stood in for by a file. */
  @Test
  void aContainerWithItsOwnProcMeminfo_readsItsOwn_andLxcfsForTheOtherFiles() throws Exception {
    Path ownMeminfo = home.resolve("meminfo");
    Files.writeString(ownMeminfo, "MemTotal:          12345 kB\n");
    ObjectNode review = AdmissionReviews.fixture("pod-own-meminfo");
    ObjectNode patched = AdmissionReviews.patched(review, mutate(review));
    TestPod pod = pods.runPod("own");

    String app = startAll(pod, patched, Map.of("own-meminfo", ownMeminfo)).get("app");

    assertThat(pods.meminfo(app).stdout()).startsWith("MemTotal:          12345 kB");
    assertThat(lxcfsMounts(app)).hasSize(8).noneMatch(line -> line.contains(" /proc/meminfo "));
    Programs.Result repair = repairAsDeployed(List.of(app));
    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(pods.meminfo(app).stdout()).startsWith("MemTotal:          12345 kB");
  }

  /**
   * A pod the webhook recorded as injected, whose app container came up without its lxcfs file at
   * /proc/meminfo (another mutation after ours dropped the mount): its runtime spec does not say it
   * should be there, the pod's record does. {@code status} reports it missing, and {@code repair}
   * attaches it.
   */
  @Test
  void aContainerOfAnInjectedPod_withoutOneOfItsFiles_isReportedMissing_andRepairAttachesIt()
      throws Exception {
    ObjectNode review = AdmissionReviews.fixture("pod-annotated");
    ObjectNode patched = AdmissionReviews.patched(review, mutate(review));
    Map<String, String> annotations = new LinkedHashMap<>();
    patched
        .at("/metadata/annotations")
        .fields()
        .forEachRemaining(a -> annotations.put(a.getKey(), a.getValue().asText()));
    assertThat(annotations).containsKey(Injected.ANNOTATION);
    TestPod pod = pods.runPod("dropped", annotations);
    JsonNode spec = containerSpec(patched, "app");
    FileMount[] allButMeminfo =
        mounts(patched, spec, Map.of()).stream()
            .filter(mount -> !mount.containerPath().equals("/proc/meminfo"))
            .toArray(FileMount[]::new);
    String app = pods.startContainer(pod, "app", allButMeminfo);
    assertThat(pods.meminfo(app).stdout()).doesNotStartWith(LIMITED_MEMINFO);

    JsonNode status = AdmissionReviews.JSON.readTree(asDeployed("status", List.of(app)).stdout());
    assertThat(states(status, app)).containsEntry("/proc/meminfo", "missing");
    Programs.Result repair = asDeployed("repair", List.of(app));

    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(pods.meminfo(app).stdout()).startsWith(LIMITED_MEMINFO);
    assertThat(lxcfsMounts(app)).hasSize(9);
    JsonNode after = AdmissionReviews.JSON.readTree(asDeployed("status", List.of(app)).stdout());
    assertThat(states(after, app))
        .hasSize(9)
        .allSatisfy((target, state) -> assertThat(state).as(target).isEqualTo("healthy"));
  }

  /** Each lxcfs target of {@code container} in a JSON report, and its state. */
  private static Map<String, String> states(JsonNode report, String container) {
    Map<String, String> states = new LinkedHashMap<>();
    for (JsonNode node : report.path("containers")) {
      if (node.path("id").asText().equals(container)) {
        node.path("mounts")
            .forEach(m -> states.put(m.path("target").asText(), m.path("state").asText()));
      }
    }
    return states;
  }

  private JsonNode mutate(ObjectNode review) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mutate"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(review.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return AdmissionReviews.JSON.readTree(response.body());
  }

  /**
   * Starts each container of the patched pod (init containers first, as kubelet does) with its
   * hostPath file mounts, and the volumes of {@code standIns} from the test's files.
   */
  private Map<String, String> startAll(TestPod pod, JsonNode patched, Map<String, Path> standIns) {
    Map<String, String> started = new LinkedHashMap<>();
    for (String field : List.of("initContainers", "containers")) {
      for (JsonNode container : patched.at("/spec/" + field)) {
        String name = container.get("name").asText();
        List<FileMount> mounts = mounts(patched, container, standIns);
        started.put(name, pods.startContainer(pod, name, mounts.toArray(FileMount[]::new)));
      }
    }
    return started;
  }

  /** A container's hostPath file mounts, and the volumes of {@code standIns}. */
  private static List<FileMount> mounts(
      JsonNode patched, JsonNode container, Map<String, Path> standIns) {
    List<FileMount> mounts = new ArrayList<>();
    for (JsonNode mount : container.path("volumeMounts")) {
      String volume = mount.get("name").asText();
      JsonNode hostPath = WebhookServerTest.volume(patched, volume).get("hostPath");
      Path source =
          hostPath != null ? Path.of(hostPath.get("path").asText()) : standIns.get(volume);
      if (source != null) {
        mounts.add(
            new FileMount(
                source, mount.get("mountPath").asText(), mount.path("readOnly").asBoolean()));
      }
    }
    return mounts;
  }

  private static JsonNode containerSpec(JsonNode patched, String name) {
    for (JsonNode container : patched.at("/spec/containers")) {
      if (container.get("name").asText().equals(name)) {
        return container;
      }
    }
    throw new AssertionError("no container " + name + " in " + patched);
  }

  /** The container's lxcfs mounts, as its own mount table shows them. */
  private List<String> lxcfsMounts(String container) {
    return pods.exec(container, "cat", "/proc/self/mountinfo")
        .stdout()
        .lines()
        .filter(line -> line.contains(" - fuse.lxcfs "))
        .toList();
  }

  /**
   * {@code repair} with only the capabilities the DaemonSet grants, limited to these containers.
   */
  private Programs.Result repairAsDeployed(Iterable<String> containers) {
    return asDeployed("repair", containers);
  }

  /**
   * {@code command} ({@code repair} or {@code status}, the latter as JSON) with only the
   * capabilities the DaemonSet grants, limited to these containers.
   */
  private Programs.Result asDeployed(String command, Iterable<String> containers) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                command,
                "--runtime",
                "cri",
                "--cri-endpoint",
                pods.endpoint().uri(),
                "--lxcfs-dir",
                lxcfs.dir().toString()));
    if (command.equals("status")) {
      arguments.addAll(List.of("--output", "json"));
    }
    containers.forEach(id -> arguments.addAll(List.of("--container", id)));
    ProcessBuilder builder = LxcfsRemountJar.builder(Map.of(), arguments);
    builder
        .command()
        .addAll(
            0, List.of("setpriv", "--bounding-set=" + DEPLOYED_CAPABILITIES, "--inh-caps=-all"));
    return Programs.run(builder);
  }

  private boolean healthy() {
    try {
      return client
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private String log() throws IOException {
    return Files.readString(home.resolve("webhook.log"));
  }
}
