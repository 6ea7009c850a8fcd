package io.lxcfsremount.cri;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.runtime.Injected;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's {@link Injected} record of a pod, from its sandbox's annotations (kubelet copies a
 * pod's annotations onto its sandbox): the paths it mounted lxcfs files over, by container name.
 */
final class InjectedPaths {
  private static final Logger log = LoggerFactory.getLogger(InjectedPaths.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, List<String>>> FORMAT = new TypeReference<>() {};

  private InjectedPaths() {}

  /** The record in {@code annotations}: empty when there is none, or one not of its format. */
  static Map<String, List<String>> of(String sandboxId, Map<String, String> annotations) {
    String value = annotations.get(Injected.ANNOTATION);
    if (value == null) {
      return Map.of();
    }
    try {
      Map<String, List<String>> paths = JSON.readValue(value, FORMAT);
      return paths == null ? Map.of() : paths;
    } catch (JsonProcessingException e) {
      log.warn(
          "pod sandbox {}: annotation {} is not the webhook's record, ignored: {}",
          sandboxId,
          Injected.ANNOTATION,
          e.getOriginalMessage());
      return Map.of();
    }
  }
}
