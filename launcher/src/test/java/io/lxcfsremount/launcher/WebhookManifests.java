package io.lxcfsremount.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kustomizations of {@code deploy/kubernetes/webhook}, built as {@code kubectl apply -k} builds
 * them, for the subset of kustomize they use: {@code resources} (files and folders) and {@code
 * patches} with a target kind and name and a JSON 6902 patch (applied with zjsonpatch).
 */
final class WebhookManifests {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private WebhookManifests() {}

  static Path folder() {
    return DeployManifests.folder().resolve("webhook");
  }

  /** The objects {@code kustomize build} makes of {@code folder}, as plain JSON trees. */
  static List<ObjectNode> build(Path folder) throws IOException {
    JsonNode kustomization = YAML.readTree(folder.resolve(DeployManifests.KUSTOMIZATION).toFile());
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = folder.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(build(path));
      } else {
        try (var documents =
            YAML.readerFor(ObjectNode.class).<ObjectNode>readValues(path.toFile())) {
          documents.readAll().stream().filter(o -> !o.isEmpty()).forEach(objects::add);
        }
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      JsonNode operations = YAML.readTree(patch.get("patch").asText());
      for (int i = 0; i < objects.size(); i++) {
        ObjectNode object = objects.get(i);
        if (object.path("kind").asText().equals(patch.at("/target/kind").asText())
            && object.at("/metadata/name").asText().equals(patch.at("/target/name").asText())) {
          objects.set(i, (ObjectNode) JsonPatch.apply(operations, object));
        }
      }
    }
    return objects;
  }

  /** One object as fabric8's class for its kind (Generic for a kind it does not know). */
  static HasMetadata typed(ObjectNode object) {
    try {
      return SERIALIZATION.unmarshal(JSON.writeValueAsString(object));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
