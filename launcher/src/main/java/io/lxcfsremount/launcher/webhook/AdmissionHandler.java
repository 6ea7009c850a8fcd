package io.lxcfsremount.launcher.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one AdmissionReview ({@code admission.k8s.io/v1}): always allowed, with the request's
 * uid, and a JSON Patch for a pod created that opted in. Anything else (another kind, an update, a
 * subresource) is allowed unchanged: with {@code failurePolicy: Ignore} an error would let the pod
 * through without lxcfs anyway, and a refusal would block someone's deployment.
 */
public final class AdmissionHandler {
  private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);
  private static final String API_VERSION = "admission.k8s.io/v1";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InjectionPolicy policy;
  private final PodPatch patch;

  public AdmissionHandler(String lxcfsDir, Set<String> excludedNamespaces) {
    this.policy = new InjectionPolicy(excludedNamespaces);
    this.patch = new PodPatch(lxcfsDir);
  }

  /** Thrown for a body that is not an AdmissionReview; its message is the one line to log. */
  public static final class NotAnAdmissionReview extends Exception {
    NotAnAdmissionReview(String message) {
      super(message);
    }
  }

  /**
   * The AdmissionReview (JSON) that answers {@code body}, received on {@code route}.
   *
   * @throws NotAnAdmissionReview when the body is not an {@code admission.k8s.io/v1}
   *     AdmissionReview with a request and its uid
   */
  public String answer(Route route, byte[] body) throws NotAnAdmissionReview {
    AdmissionRequest request = parse(body).getRequest();
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(request.getUid());
    response.setAllowed(true);
    if (isPodCreation(request)) {
      mutate(route, request, response);
    }
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(API_VERSION);
    review.setKind("AdmissionReview");
    review.setResponse(response);
    return SERIALIZATION.asJson(review);
  }

  private void mutate(Route route, AdmissionRequest request, AdmissionResponse response) {
    Pod pod;
    try {
      pod = SERIALIZATION.convertValue(request.getObject(), Pod.class);
    } catch (RuntimeException e) {
      log.warn(
          "request {}: the pod does not read as a Pod, allowed unchanged: {}",
          request.getUid(),
          e.getMessage());
      return;
    }
    if (pod == null || pod.getMetadata() == null) {
      log.warn("request {}: no pod in the request, allowed unchanged", request.getUid());
      return;
    }
    String name = podName(request, pod);
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    InjectionPolicy.Decision decision = policy.decide(route, request.getNamespace(), annotations);
    if (!decision.inject()) {
      log.debug("pod {}: unchanged, {}", name, decision.reason());
      return;
    }
    PodPatch.Injection injection = patch.plan(pod);
    if (injection.isEmpty()) {
      log.debug("pod {}: every container already has the lxcfs files", name);
      return;
    }
    response.setPatchType("JSONPatch");
    response.setPatch(
        Base64.getEncoder()
            .encodeToString(injection.operations().toString().getBytes(StandardCharsets.UTF_8)));
    log.info(
        "pod {}: lxcfs files for containers {} ({})",
        name,
        String.join(", ", injection.containers().keySet()),
        decision.reason());
  }

  private static AdmissionReview parse(byte[] body) throws NotAnAdmissionReview {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new NotAnAdmissionReview("not JSON: " + firstLine(e));
    }
    if (tree == null || !tree.isObject()) {
      throw new NotAnAdmissionReview("not a JSON object");
    }
    String kind = tree.path("apiVersion").asText() + " " + tree.path("kind").asText();
    if (!kind.equals(API_VERSION + " AdmissionReview")) {
      throw new NotAnAdmissionReview(
          "expected " + API_VERSION + " AdmissionReview, got " + kind.strip());
    }
    if (tree.path("request").path("uid").asText().isEmpty()) {
      throw new NotAnAdmissionReview("an AdmissionReview without request.uid");
    }
    try {
      return SERIALIZATION.convertValue(tree, AdmissionReview.class);
    } catch (RuntimeException e) {
      throw new NotAnAdmissionReview("a malformed AdmissionReview: " + firstLine(e));
    }
  }

  private static boolean isPodCreation(AdmissionRequest request) {
    GroupVersionKind kind = request.getKind();
    return kind != null
        && (kind.getGroup() == null || kind.getGroup().isEmpty())
        && "Pod".equals(kind.getKind())
        && (request.getSubResource() == null || request.getSubResource().isEmpty())
        && "CREATE".equals(request.getOperation());
  }

  /** The pod's name for the log; a pod of a ReplicaSet has only its generateName yet. */
  private static String podName(AdmissionRequest request, Pod pod) {
    String name = pod.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      name = request.getName();
    }
    if (name == null || name.isEmpty()) {
      name = pod.getMetadata().getGenerateName() + "*";
    }
    return request.getNamespace() + "/" + name;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof JsonProcessingException json) {
      message = json.getOriginalMessage();
    }
    return message.lines().findFirst().orElse("");
  }
}
