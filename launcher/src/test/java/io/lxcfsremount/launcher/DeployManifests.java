package io.lxcfsremount.launcher;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}, loaded with fabric8 into its typed model,
 * as the tests read them.
 */
final class DeployManifests {
  static final String KUSTOMIZATION = "kustomization.yaml";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private DeployManifests() {}

  /**
   * The folder, found from the launcher module (where Maven runs its tests) or the repository root.
   */
  static Path folder() {
    for (Path start = Path.of("").toAbsolutePath(); start != null; start = start.getParent()) {
      Path folder = start.resolve("deploy/kubernetes");
      if (Files.isDirectory(folder)) {
        return folder;
      }
    }
    throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
  }

  /** Every manifest file but the kustomization, sorted by name. */
  static List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(folder())) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".yaml"))
          .filter(file -> !file.getFileName().toString().equals(KUSTOMIZATION))
          .sorted()
          .toList();
    }
  }

  /**
   * One manifest, as fabric8's class for its apiVersion and kind (Generic for a kind it does not
   * know).
   */
  static HasMetadata load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return load(in);
    }
  }

  static HasMetadata load(InputStream yaml) {
    Object loaded = SERIALIZATION.unmarshal(yaml);
    if (!(loaded instanceof HasMetadata object)) {
      throw new IllegalArgumentException("not one Kubernetes object: " + loaded);
    }
    return object;
  }

  /** Every manifest, loaded. */
  static List<HasMetadata> all() throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : files()) {
      objects.add(load(file));
    }
    return objects;
  }

  /** The one object of {@code type}. */
  static <T extends HasMetadata> T only(Class<T> type) throws IOException {
    List<T> found = all().stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new IllegalStateException(
          "expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  static DaemonSet daemonSet() throws IOException {
    return only(DaemonSet.class);
  }

  static Container container(DaemonSet daemonSet, String name) {
    return daemonSet.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no container " + name + " in the DaemonSet"));
  }

  /**
   * The fields fabric8 did not recognise, by path: its model keeps them aside
   * (additionalProperties) instead of failing, so a misspelt field would otherwise load without a
   * word, and be dropped or refused by the API server.
   */
  static List<String> unknownFields(HasMetadata object) {
    List<String> unknown = new ArrayList<>();
    if (object instanceof GenericKubernetesResource) {
      unknown.add(
          object.getApiVersion() + " " + object.getKind() + " (a kind fabric8 does not know)");
      return unknown;
    }
    walk(object, object.getKind(), unknown);
    return unknown;
  }

  private static void walk(Object value, String path, List<String> unknown) {
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> entries) {
      entries.forEach((key, item) -> walk(item, path + "." + key, unknown));
      return;
    }
    if (value == null
        || !value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !getter.getName().startsWith("get")) {
        continue;
      }
      Object property = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) property).keySet().forEach(key -> unknown.add(path + "." + key));
      } else {
        String name = getter.getName().substring(3);
        walk(
            property,
            path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1),
            unknown);
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }
}
