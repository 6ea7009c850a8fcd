package io.lxcfsremount.launcher;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A container of the DaemonSet's pod, created by the real dockerd the way a kubelet creates it: the
 * pod's host PID namespace, the container's security context, its volumes with their mount
 * propagation, its resources, environment, command and arguments, each as its {@code docker run}
 * flag. Where this differs from a node, it says so:
 *
 * <ul>
 *   <li>no network ({@code --network none}: nothing on these machines may reach one); its HTTP side
 *       is reached from inside its network namespace;
 *   <li>host paths are the test's: each prefix in {@code paths} is replaced, in host paths, mount
 *       paths and the command line alike (a private folder stands for the host's /var/lib);
 *   <li>the downward API's {@code spec.nodeName} is {@link #NODE_NAME};
 *   <li>the API server a kubelet names in every container's environment ({@code
 *       KUBERNETES_SERVICE_HOST}) is 127.0.0.1:1, where nothing answers: no API server runs here.
 * </ul>
 */
final class DockerPod {
  static final String NODE_NAME = "test-node";

  /** Every container these tests create carries it, so that a leftover is easy to find. */
  static final String LABEL = "io.lxcfsremount.test=deploy";

  private final PodSpec pod;
  private final Map<String, String> hostPaths;
  private final Map<String, String> containerPaths;

  /**
   * @param hostPaths host path prefixes of the manifest's volumes, and what stands for each here
   * @param containerPaths path prefixes inside the containers, and what stands for each here
   */
  DockerPod(
      DaemonSet daemonSet, Map<String, String> hostPaths, Map<String, String> containerPaths) {
    this.pod = daemonSet.getSpec().getTemplate().getSpec();
    this.hostPaths = new LinkedHashMap<>(hostPaths);
    this.containerPaths = new LinkedHashMap<>(containerPaths);
  }

  /**
   * The pod as the Docker tests run it: {@code varLib} stands for the host's /var/lib, and Docker's
   * socket for containerd's, which the manifest mounts (these tests' containers run on Docker).
   */
  static DockerPod onDocker(DaemonSet daemonSet, Path varLib) {
    Map<String, String> paths =
        Map.of(
            "/var/lib",
            varLib.toString(),
            "/run/containerd/containerd.sock",
            "/var/run/docker.sock");
    return new DockerPod(daemonSet, paths, paths);
  }

  /** What a test adds to, or changes in, a container of the manifest; each use says why. */
  record Changes(
      Map<String, String> env, List<String> dockerOptions, UnaryOperator<List<String>> args) {
    /** Nothing changed. */
    static Changes none() {
      return new Changes(Map.of(), List.of(), UnaryOperator.identity());
    }

    Changes withEnv(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(env);
      more.put(name, value);
      return new Changes(more, dockerOptions, args);
    }

    Changes withDockerOptions(String... options) {
      List<String> more = new ArrayList<>(dockerOptions);
      more.addAll(List.of(options));
      return new Changes(env, more, args);
    }

    Changes withArgs(UnaryOperator<List<String>> change) {
      return new Changes(env, dockerOptions, manifest -> change.apply(args.apply(manifest)));
    }

    Changes withMoreArgs(List<String> more) {
      return withArgs(
          manifest -> {
            List<String> all = new ArrayList<>(manifest);
            all.addAll(more);
            return all;
          });
    }
  }

  /** The {@code docker run -d} command line of container {@code name}, with {@code image}. */
  List<String> run(String name, String image, Changes changes) {
    Container container =
        pod.getContainers().stream()
            .filter(c -> c.getName().equals(name))
            .findFirst()
            .orElseThrow();
    List<String> command =
        new ArrayList<>(List.of("docker", "run", "-d", "--label", LABEL, "--network", "none"));
    command.add("--name");
    command.add("lxcfs-remount-it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
    if (Boolean.TRUE.equals(pod.getHostPID())) {
      command.addAll(List.of("--pid", "host"));
    }
    security(container.getSecurityContext(), command);
    for (VolumeMount mount : container.getVolumeMounts()) {
      command.addAll(List.of("-v", volume(mount)));
    }
    for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      command.addAll(List.of("-e", env.getName() + "=" + value(env)));
    }
    command.addAll(
        List.of("-e", "KUBERNETES_SERVICE_HOST=127.0.0.1", "-e", "KUBERNETES_SERVICE_PORT=1"));
    changes.env().forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
    resources(container, command);
    command.addAll(changes.dockerOptions());
    List<String> entry =
        new ArrayList<>(Objects.requireNonNullElse(container.getCommand(), List.<String>of()));
    if (!entry.isEmpty()) {
      command.addAll(List.of("--entrypoint", entry.remove(0)));
    }
    command.add(image);
    entry.forEach(part -> command.add(replace(containerPaths, part)));
    List<String> args = new ArrayList<>();
    Objects.requireNonNullElse(container.getArgs(), List.<String>of())
        .forEach(arg -> args.add(replace(containerPaths, arg)));
    command.addAll(changes.args().apply(args));
    return command;
  }

  /** Starts container {@code name}. */
  DockerContainer start(String name, String image, Changes changes) {
    return DockerContainer.of(
        Programs.check(run(name, image, changes).toArray(String[]::new)).strip());
  }

  private static void security(SecurityContext security, List<String> command) {
    if (security == null) {
      return;
    }
    if (Boolean.TRUE.equals(security.getPrivileged())) {
      command.addAll(privileged());
    }
    if (security.getCapabilities() != null) {
      security
          .getCapabilities()
          .getDrop()
          .forEach(cap -> command.addAll(List.of("--cap-drop", cap)));
      security.getCapabilities().getAdd().forEach(cap -> command.addAll(List.of("--cap-add", cap)));
    }
    if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
      command.add("--read-only");
    }
    if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
      command.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    if (security.getRunAsUser() != null) {
      command.addAll(List.of("--user", security.getRunAsUser().toString()));
    }
    if (security.getSeccompProfile() != null) {
      switch (security.getSeccompProfile().getType()) {
        case "RuntimeDefault" -> {} // Docker's default profile: what a container gets without a
        // word.
        case "Unconfined" -> command.addAll(List.of("--security-opt", "seccomp=unconfined"));
        default ->
            throw new IllegalArgumentException("seccomp " + security.getSeccompProfile().getType());
      }
    }
    // appArmorProfile: these machines have no AppArmor; Docker would ignore the option.
  }

  /** Capabilities 0 to 37, the ones Docker 20.10 knows, by number. */
  private static final List<String> CAPABILITIES =
      List.of(
          "CHOWN",
          "DAC_OVERRIDE",
          "DAC_READ_SEARCH",
          "FOWNER",
          "FSETID",
          "KILL",
          "SETGID",
          "SETUID",
          "SETPCAP",
          "LINUX_IMMUTABLE",
          "NET_BIND_SERVICE",
          "NET_BROADCAST",
          "NET_ADMIN",
          "NET_RAW",
          "IPC_LOCK",
          "IPC_OWNER",
          "SYS_MODULE",
          "SYS_RAWIO",
          "SYS_CHROOT",
          "SYS_PTRACE",
          "SYS_PACCT",
          "SYS_ADMIN",
          "SYS_BOOT",
          "SYS_NICE",
          "SYS_RESOURCE",
          "SYS_TIME",
          "SYS_TTY_CONFIG",
          "MKNOD",
          "LEASE",
          "AUDIT_WRITE",
          "AUDIT_CONTROL",
          "SETFCAP",
          "MAC_OVERRIDE",
          "MAC_ADMIN",
          "SYSLOG",
          "WAKE_ALARM",
          "BLOCK_SUSPEND",
          "AUDIT_READ");

  /**
   * {@code --privileged}, as far as this machine allows: where root lacks a capability (these
   * machines' root has no CAP_SYS_RESOURCE), Docker fails every privileged container ("unable to
   * apply caps"). So: every capability root holds, no seccomp filter, no masked /proc paths, and of
   * all the devices a privileged container gets, /dev/fuse, the one lxcfs needs.
   */
  private static List<String> privileged() {
    List<String> flags = new ArrayList<>(List.of("--cap-add", "ALL"));
    BigInteger bounding = new BigInteger(status("CapBnd"), 16);
    for (int capability = 0; capability < CAPABILITIES.size(); capability++) {
      if (!bounding.testBit(capability)) {
        flags.addAll(List.of("--cap-drop", CAPABILITIES.get(capability)));
      }
    }
    flags.addAll(
        List.of(
            "--security-opt",
            "seccomp=unconfined",
            "--security-opt",
            "systempaths=unconfined",
            "--device",
            "/dev/fuse"));
    return flags;
  }

  private static String status(String field) {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith(field + ":"))
          .map(line -> line.substring(field.length() + 1).strip())
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String volume(VolumeMount mount) {
    Volume volume =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    if (volume.getHostPath() == null) {
      throw new IllegalArgumentException(
          "only hostPath volumes are translated, not " + volume.getName());
    }
    String source = replace(hostPaths, volume.getHostPath().getPath());
    if ("Socket".equals(volume.getHostPath().getType()) && !Files.exists(Path.of(source))) {
      throw new IllegalStateException("no socket at " + source + " for volume " + volume.getName());
    }
    List<String> options = new ArrayList<>();
    if (Boolean.TRUE.equals(mount.getReadOnly())) {
      options.add("ro");
    }
    options.add(
        switch (Objects.requireNonNullElse(mount.getMountPropagation(), "None")) {
          case "HostToContainer" -> "rslave";
          case "Bidirectional" -> "rshared";
          default -> "rprivate";
        });
    return source
        + ":"
        + replace(containerPaths, mount.getMountPath())
        + ":"
        + String.join(",", options);
  }

  private static String value(EnvVar env) {
    if (env.getValue() != null) {
      return env.getValue();
    }
    String field = env.getValueFrom().getFieldRef().getFieldPath();
    if (!field.equals("spec.nodeName")) {
      throw new IllegalArgumentException("downward API field " + field);
    }
    return NODE_NAME;
  }

  private static void resources(Container container, List<String> command) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return;
    }
    Quantity memory = container.getResources().getLimits().get("memory");
    if (memory != null) {
      command.addAll(
          List.of("--memory", Quantity.getAmountInBytes(memory).toBigInteger().toString()));
    }
    Quantity cpu = container.getResources().getLimits().get("cpu");
    if (cpu != null) {
      command.addAll(List.of("--cpus", Quantity.getAmountInBytes(cpu).toPlainString()));
    }
  }

  private static String replace(Map<String, String> paths, String text) {
    String replaced = text;
    for (Map.Entry<String, String> path : paths.entrySet()) {
      replaced = replaced.replace(path.getKey(), path.getValue());
    }
    return replaced;
  }
}
