package io.lxcfsremount.launcher.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON Patch that gives every container of a pod (init containers and sidecars included) a
 * read-only mount of each lxcfs file over its path, from hostPath volumes of type File.
 *
 * <p>A container that already mounts something at one of those paths keeps its own. Nothing the API
 * server would refuse: no mountPath twice in a container, no volume name twice in the pod (a volume
 * of the pod with the same name and another source makes the webhook pick another name). A pod this
 * already patched gets an empty patch: re-invocation adds only what a later webhook brought (a new
 * container), and the record of what was injected ({@link InjectedAnnotation}) grows with it.
 */
final class PodPatch {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String lxcfsDir;

  PodPatch(String lxcfsDir) {
    this.lxcfsDir = lxcfsDir;
  }

  /** The patch, and what it injects into which containers; an empty patch when nothing is new. */
  record Injection(ArrayNode operations, Map<String, List<String>> containers) {
    boolean isEmpty() {
      return operations.isEmpty();
    }
  }

  Injection plan(Pod pod) {
    PodSpec spec = pod.getSpec();
    ArrayNode operations = NODES.arrayNode();
    Map<String, List<String>> injected = new LinkedHashMap<>();
    // lxcfs is a Linux filesystem: a Windows pod has no /proc to cover.
    if (spec == null || (spec.getOs() != null && "windows".equals(spec.getOs().getName()))) {
      return new Injection(operations, injected);
    }
    List<Volume> existing = listOf(spec.getVolumes());
    Map<LxcfsFile, String> volumeNames = volumeNames(existing);
    Set<LxcfsFile> used = new HashSet<>();
    ArrayNode mounts = NODES.arrayNode();
    addMounts(
        "initContainers", listOf(spec.getInitContainers()), volumeNames, used, injected, mounts);
    addMounts("containers", listOf(spec.getContainers()), volumeNames, used, injected, mounts);
    if (injected.isEmpty()) {
      return new Injection(operations, injected);
    }
    List<JsonNode> volumes = new ArrayList<>();
    for (LxcfsFile file : LxcfsFile.ALL) {
      if (used.contains(file) && !hasVolume(existing, volumeNames.get(file))) {
        volumes.add(volume(volumeNames.get(file), file));
      }
    }
    addAll(operations, "/spec/volumes", existing.isEmpty(), volumes);
    operations.addAll(mounts);
    operations.add(annotation(pod, injected));
    return new Injection(operations, injected);
  }

  private static void addMounts(
      String field,
      List<Container> containers,
      Map<LxcfsFile, String> volumeNames,
      Set<LxcfsFile> used,
      Map<String, List<String>> injected,
      ArrayNode operations) {
    for (int index = 0; index < containers.size(); index++) {
      Container container = containers.get(index);
      List<VolumeMount> own = listOf(container.getVolumeMounts());
      Set<String> taken = new HashSet<>();
      own.forEach(mount -> taken.add(normalized(mount.getMountPath())));
      List<JsonNode> mounts = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      for (LxcfsFile file : LxcfsFile.ALL) {
        if (!taken.contains(file.mountPath())) {
          ObjectNode mount = NODES.objectNode();
          mount.put("name", volumeNames.get(file));
          mount.put("mountPath", file.mountPath());
          mount.put("readOnly", true);
          mounts.add(mount);
          paths.add(file.mountPath());
          used.add(file);
        }
      }
      if (!mounts.isEmpty()) {
        String path = "/spec/" + field + "/" + index + "/volumeMounts";
        addAll(operations, path, own.isEmpty(), mounts);
        injected.put(container.getName(), paths);
      }
    }
  }

  /** Each file's volume: the pod's own volume of that file if it has one, else a free name. */
  private Map<LxcfsFile, String> volumeNames(List<Volume> volumes) {
    Set<String> taken = new HashSet<>();
    volumes.forEach(volume -> taken.add(volume.getName()));
    Map<LxcfsFile, String> chosen = new LinkedHashMap<>();
    for (LxcfsFile file : LxcfsFile.ALL) {
      String name =
          volumes.stream()
              .filter(volume -> volume.getHostPath() != null)
              .filter(volume -> file.hostPath(lxcfsDir).equals(volume.getHostPath().getPath()))
              .map(Volume::getName)
              .findFirst()
              .orElseGet(() -> freeName(file.volumeName(), taken));
      taken.add(name);
      chosen.put(file, name);
    }
    return chosen;
  }

  private static String freeName(String preferred, Set<String> taken) {
    String name = preferred;
    for (int suffix = 2; taken.contains(name); suffix++) {
      name = preferred + "-" + suffix;
    }
    return name;
  }

  private static boolean hasVolume(List<Volume> volumes, String name) {
    return volumes.stream().anyMatch(volume -> Objects.equals(volume.getName(), name));
  }

  private JsonNode volume(String name, LxcfsFile file) {
    ObjectNode hostPath = NODES.objectNode();
    hostPath.put("path", file.hostPath(lxcfsDir));
    hostPath.put("type", "File");
    ObjectNode volume = NODES.objectNode();
    volume.put("name", name);
    volume.set("hostPath", hostPath);
    return volume;
  }

  private static ObjectNode annotation(Pod pod, Map<String, List<String>> injected) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String where = "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    String value = InjectedAnnotation.on(where, annotations).plus(injected).value();
    if (annotations == null || annotations.isEmpty()) {
      ObjectNode all = NODES.objectNode();
      all.put(InjectedAnnotation.KEY, value);
      return operation("/metadata/annotations", all);
    }
    String key = InjectedAnnotation.KEY.replace("~", "~0").replace("/", "~1");
    return operation("/metadata/annotations/" + key, NODES.textNode(value));
  }

  /**
   * Appends {@code items} to the array at {@code path}; fabric8 reads a missing list as an empty
   * one, and "-" cannot append to a list that is not there, so an empty one is set whole.
   */
  private static void addAll(
      ArrayNode operations, String path, boolean empty, List<JsonNode> items) {
    if (items.isEmpty()) {
      return;
    }
    if (empty) {
      operations.add(operation(path, NODES.arrayNode().addAll(items)));
      return;
    }
    items.forEach(item -> operations.add(operation(path + "/-", item)));
  }

  private static ObjectNode operation(String path, JsonNode value) {
    ObjectNode operation = NODES.objectNode();
    operation.put("op", "add");
    operation.put("path", path);
    operation.set("value", value);
    return operation;
  }

  /** A list of the pod, empty when the pod has none (fabric8 reads an explicit null as null). */
  private static <T> List<T> listOf(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** {@code /proc/meminfo/} and {@code /proc//meminfo} are the same place as /proc/meminfo. */
  private static String normalized(String mountPath) {
    return mountPath == null ? "" : Path.of(mountPath).normalize().toString();
  }
}
