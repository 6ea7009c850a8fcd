package io.lxcfsremount.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Optional;

/**
 * AdmissionReviews as the API server sends them (captured-format fixtures under
 * src/test/resources/webhook), and what the webhook's answer does to the pod: its JSON Patch
 * applied with a JSON Patch library, as the API server applies it.
 */
final class AdmissionReviews {
  static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {}

  /** The fixture {@code webhook/NAME.json}. */
  static ObjectNode fixture(String name) throws IOException {
    try (InputStream in =
        AdmissionReviews.class.getResourceAsStream("/webhook/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture webhook/" + name + ".json");
      }
      return (ObjectNode) JSON.readTree(in);
    }
  }

  /** The pod (or other object) the review asks about. */
  static ObjectNode object(JsonNode review) {
    return (ObjectNode) review.at("/request/object");
  }

  /**
   * {@code review} about {@code object} instead, with another uid: the API server calling again.
   */
  static ObjectNode about(ObjectNode review, JsonNode object, String uid) {
    ObjectNode again = review.deepCopy();
    ((ObjectNode) again.get("request")).set("object", object.deepCopy());
    ((ObjectNode) again.get("request")).put("uid", uid);
    return again;
  }

  /** The answer's JSON Patch, if it has one. */
  static Optional<JsonNode> patch(JsonNode answer) throws IOException {
    JsonNode patch = answer.at("/response/patch");
    if (patch.isMissingNode() || patch.isNull()) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(Base64.getDecoder().decode(patch.asText())));
  }

  /** The review's object with the answer's patch applied (unchanged without a patch). */
  static ObjectNode patched(JsonNode review, JsonNode answer) throws IOException {
    ObjectNode object = object(review);
    Optional<JsonNode> patch = patch(answer);
    return patch.isEmpty() ? object.deepCopy() : (ObjectNode) JsonPatch.apply(patch.get(), object);
  }
}
