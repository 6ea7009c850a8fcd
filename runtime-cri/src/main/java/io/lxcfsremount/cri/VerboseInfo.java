package io.lxcfsremount.cri;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@code info} map of a verbose ContainerStatus. CRI leaves its content to the runtime;
 * containerd and CRI-O both put a JSON document at {@code info}, whose top-level {@code pid} is the
 * host PID of the container's init process.
 */
final class VerboseInfo {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VerboseInfo() {}

  /** The init PID, or empty when the runtime gave none (or 0: the container is not running). */
  static OptionalLong pid(Map<String, String> info) {
    String json = info.get("info");
    if (json == null) {
      return OptionalLong.empty();
    }
    try {
      JsonNode pid = MAPPER.readTree(json).path("pid");
      return pid.isIntegralNumber() && pid.asLong() > 0
          ? OptionalLong.of(pid.asLong())
          : OptionalLong.empty();
    } catch (JsonProcessingException e) {
      return OptionalLong.empty();
    }
  }
}
