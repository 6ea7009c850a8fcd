package io.lxcfsremount.launcher.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lxcfsremount.core.runtime.Injected;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the webhook injected into which containers, recorded on the pod so that the agent can tell a
 * container that should have an lxcfs file at a path and has none there (MISSING). The format is
 * {@link Injected}'s; here, paths are written in the order of {@link LxcfsFile#ALL}, containers by
 * name, and a path a container mounted itself is not listed.
 */
record InjectedAnnotation(Map<String, List<String>> containers) {
  static final String KEY = Injected.ANNOTATION;

  private static final ObjectMapper JSON = new ObjectMapper();

  InjectedAnnotation {
    containers = Map.copyOf(containers);
  }

  /**
   * The record in {@code annotations} of the pod {@code where} names; an empty one when there is
   * none, or one not of the format (which a new record then replaces).
   */
  static InjectedAnnotation on(String where, Map<String, String> annotations) {
    return new InjectedAnnotation(
        Injected.read(where, annotations == null ? null : annotations.get(KEY)));
  }

  /** This record with {@code more} added. */
  InjectedAnnotation plus(Map<String, List<String>> more) {
    Map<String, List<String>> merged = new TreeMap<>(containers);
    more.forEach(
        (container, paths) -> {
          Set<String> all = new LinkedHashSet<>(merged.getOrDefault(container, List.of()));
          all.addAll(paths);
          merged.put(container, inFileOrder(all));
        });
    return new InjectedAnnotation(merged);
  }

  private static List<String> inFileOrder(Set<String> paths) {
    List<String> ordered = new ArrayList<>();
    LxcfsFile.ALL.stream().map(LxcfsFile::mountPath).filter(paths::contains).forEach(ordered::add);
    paths.stream().filter(path -> !ordered.contains(path)).forEach(ordered::add);
    return ordered;
  }

  /** The annotation's value. */
  String value() {
    try {
      return JSON.writeValueAsString(new TreeMap<>(containers));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + KEY, e);
    }
  }
}
