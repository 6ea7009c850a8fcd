package io.lxcfsremount.core.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record the webhook ({@code lxcfs-remount webhook}) leaves on each pod it injected lxcfs files
 * into, and the agent reads to tell a container that should have an lxcfs file at a path and has
 * none there (MISSING), whatever its runtime spec says.
 *
 * <p>The stable format: the pod annotation {@value #ANNOTATION} holds a JSON object whose keys are
 * container names (init containers, sidecars and app containers alike, which a pod keeps unique)
 * and whose values are arrays of the paths inside that container over which an lxcfs file was
 * mounted, e.g. {@code {"app":["/proc/cpuinfo","/proc/meminfo"],"init-db":["/proc/meminfo"]}}. Each
 * path is the lxcfs file of the same name under the node's lxcfs folder ({@code /proc/meminfo} is
 * {@code LXCFS_DIR/proc/meminfo}).
 */
public final class Injected {
  /** The pod annotation. */
  public static final String ANNOTATION = "lxcfs-remount.io/injected";

  private static final Logger log = LoggerFactory.getLogger(Injected.class);
  private static final JsonFactory JSON = new JsonFactory();

  private Injected() {}

  /**
   * The records of a node's pods, by the id of the pod's sandbox, as a runtime's listing gathers
   * them: what the runtime then gives each of its containers.
   */
  public static final class BySandbox {
    private final Map<String, Map<String, List<String>>> records = new HashMap<>();

    /** Reads the record {@code value} of the pod of {@code sandbox}; null for a pod without one. */
    public void add(String sandbox, String value) {
      if (value != null) {
        records.put(sandbox, read("pod sandbox " + sandbox, value));
      }
    }

    /** The paths the record names for {@code container} of the pod of {@code sandbox}. */
    public List<String> pathsOf(String sandbox, String container) {
      if (sandbox == null || container == null) {
        return List.of();
      }
      return records.getOrDefault(sandbox, Map.of()).getOrDefault(container, List.of());
    }
  }

  /**
   * The paths by container name that {@code value}, the annotation's value on the pod {@code where}
   * names ({@code "pod sandbox 4f1c..."}), records: none when it is null, and none, with a warning,
   * when it is not of the format.
   */
  public static Map<String, List<String>> read(String where, String value) {
    if (value == null) {
      return Map.of();
    }
    try {
      return parse(value);
    } catch (IOException | IllegalArgumentException e) {
      log.warn("{}: annotation {} is not the webhook's record, ignored", where, ANNOTATION);
      return Map.of();
    }
  }

  private static Map<String, List<String>> parse(String value) throws IOException {
    Map<String, List<String>> paths = new HashMap<>();
    try (JsonParser parser = JSON.createParser(value)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String container = parser.currentName();
        expect(parser.nextToken(), JsonToken.START_ARRAY);
        List<String> own = new ArrayList<>();
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
          own.add(parser.getText());
        }
        expect(parser.currentToken(), JsonToken.END_ARRAY);
        paths.put(container, List.copyOf(own));
      }
      expect(parser.currentToken(), JsonToken.END_OBJECT);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("more after the record");
      }
    }
    return paths;
  }

  private static void expect(JsonToken actual, JsonToken wanted) {
    if (actual != wanted) {
      throw new IllegalArgumentException("expected " + wanted + ", found " + actual);
    }
  }
}
