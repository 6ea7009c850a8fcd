package io.lxcfsremount.cri;

import io.grpc.StatusRuntimeException;
import io.lxcfsremount.core.testing.ContainerViews;
import io.lxcfsremount.cri.v1.ContainerConfig;
import io.lxcfsremount.cri.v1.ContainerMetadata;
import io.lxcfsremount.cri.v1.ContainerStatusRequest;
import io.lxcfsremount.cri.v1.CreateContainerRequest;
import io.lxcfsremount.cri.v1.ExecSyncRequest;
import io.lxcfsremount.cri.v1.ExecSyncResponse;
import io.lxcfsremount.cri.v1.ImageSpec;
import io.lxcfsremount.cri.v1.LinuxContainerConfig;
import io.lxcfsremount.cri.v1.LinuxContainerResources;
import io.lxcfsremount.cri.v1.LinuxContainerSecurityContext;
import io.lxcfsremount.cri.v1.LinuxPodSandboxConfig;
import io.lxcfsremount.cri.v1.LinuxSandboxSecurityContext;
import io.lxcfsremount.cri.v1.Mount;
import io.lxcfsremount.cri.v1.NamespaceMode;
import io.lxcfsremount.cri.v1.NamespaceOption;
import io.lxcfsremount.cri.v1.PodSandboxConfig;
import io.lxcfsremount.cri.v1.PodSandboxMetadata;
import io.lxcfsremount.cri.v1.RemovePodSandboxRequest;
import io.lxcfsremount.cri.v1.RunPodSandboxRequest;
import io.lxcfsremount.cri.v1.RuntimeServiceGrpc;
import io.lxcfsremount.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.lxcfsremount.cri.v1.StartContainerRequest;
import io.lxcfsremount.cri.v1.StopContainerRequest;
import io.lxcfsremount.cri.v1.StopPodSandboxRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Creates real pods through CRI, the way kubelet does, for end-to-end tests: host-network sandboxes
 * (there is no CNI here), containers of the local busybox image with file mounts and a 64 MiB
 * memory limit, each in a PID namespace of its own. {@link #close()} stops and removes every pod it
 * created, with their containers, whatever the test did.
 */
public final class CriPods implements AutoCloseable {
  public static final String ENDPOINT_VARIABLE = "LXCFS_REMOUNT_TEST_CRI_ENDPOINT";

  /** The Kubernetes namespace of every test pod. */
  public static final String NAMESPACE = "lxcfs-remount-test";

  /** Imported by scripts/lib/containerd.sh; nothing can be pulled here. */
  private static final String IMAGE =
      System.getenv().getOrDefault("LXCFS_REMOUNT_TEST_CRI_IMAGE", "docker.io/local/busybox:1");

  private static final long DEADLINE_SECONDS = 60;

  private final CriEndpoint endpoint;
  private final CriChannel channel;
  private final Map<String, PodSandboxConfig> pods = new LinkedHashMap<>();

  private CriPods(CriEndpoint endpoint) {
    this.endpoint = endpoint;
    this.channel = CriChannel.open(endpoint);
  }

  /** The CRI runtime the test environment provides (scripts/test starts one). */
  public static CriPods connect() {
    String endpoint = System.getenv(ENDPOINT_VARIABLE);
    if (endpoint == null) {
      throw new IllegalStateException(ENDPOINT_VARIABLE + " is not set (scripts/test sets it)");
    }
    return new CriPods(CriEndpoint.parse(endpoint));
  }

  public CriEndpoint endpoint() {
    return endpoint;
  }

  /** A pod as the test knows it. */
  public record TestPod(String id, String namespace, String name, String uid) {
    /** {@code namespace/name}, as the agent's report names it. */
    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /** A host file bound over {@code containerPath}. */
  public record FileMount(Path hostPath, String containerPath, boolean readOnly) {}

  /** What a command run in a container printed, and its exit code. */
  public record Exec(int exitCode, String stdout, String stderr) {}

  /** Runs a pod sandbox named {@code prefix} plus a random suffix, like a ReplicaSet's pods. */
  public TestPod runPod(String prefix) {
    return runPod(prefix, Map.of());
  }

  /** Runs a pod sandbox whose pod has {@code annotations} (kubelet copies them onto it). */
  public TestPod runPod(String prefix, Map<String, String> annotations) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    String uid = UUID.randomUUID().toString();
    PodSandboxConfig config =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder().setName(name).setNamespace(NAMESPACE).setUid(uid))
            .putAllAnnotations(annotations)
            .setLinux(
                LinuxPodSandboxConfig.newBuilder()
                    .setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(namespaces())))
            .build();
    String id =
        stub()
            .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
    pods.put(id, config);
    return new TestPod(id, NAMESPACE, name, uid);
  }

  /** Creates and starts a container of the busybox image (it sleeps) in {@code pod}. */
  public String startContainer(TestPod pod, String name, FileMount... mounts) {
    List<Mount> binds = new ArrayList<>();
    for (FileMount mount : mounts) {
      binds.add(
          Mount.newBuilder()
              .setHostPath(mount.hostPath().toString())
              .setContainerPath(mount.containerPath())
              .setReadonly(mount.readOnly())
              .build());
    }
    ContainerConfig config =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(name))
            .setImage(ImageSpec.newBuilder().setImage(IMAGE))
            .addAllMounts(binds)
            .setLinux(
                LinuxContainerConfig.newBuilder()
                    .setResources(
                        LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(ContainerViews.LIMIT_BYTES))
                    .setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder()
                            .setNamespaceOptions(namespaces())))
            .build();
    String id =
        stub()
            .createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod.id())
                    .setConfig(config)
                    .setSandboxConfig(pods.get(pod.id()))
                    .build())
            .getContainerId();
    stub().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  /**
   * Host network (no CNI here), and a PID namespace per container as kubelet asks by default: with
   * POD, the pod's init would be the sandbox process, whose cgroup has no memory limit, and lxcfs
   * answers by the cgroup of the reader's init.
   */
  private static NamespaceOption namespaces() {
    return NamespaceOption.newBuilder()
        .setNetwork(NamespaceMode.NODE)
        .setPid(NamespaceMode.CONTAINER)
        .build();
  }

  /** Runs {@code command} inside the container, as {@code kubectl exec} does. */
  public Exec exec(String containerId, String... command) {
    ExecSyncResponse response =
        stub()
            .execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(containerId)
                    .addAllCmd(List.of(command))
                    .setTimeout(30)
                    .build());
    return new Exec(
        response.getExitCode(),
        response.getStdout().toString(StandardCharsets.UTF_8),
        response.getStderr().toString(StandardCharsets.UTF_8));
  }

  /** {@code head -1 /proc/meminfo} inside the container: its own view of its memory. */
  public Exec meminfo(String containerId) {
    return exec(containerId, "head", "-1", "/proc/meminfo");
  }

  /** Kills the container at once (no grace period); CRI answers once it has stopped. */
  public void stopContainer(String containerId) {
    stub()
        .stopContainer(
            StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(0).build());
  }

  /** The host PID of the container's init, from its verbose status. */
  public long pid(String containerId) {
    return VerboseInfo.pid(
            stub()
                .containerStatus(
                    ContainerStatusRequest.newBuilder()
                        .setContainerId(containerId)
                        .setVerbose(true)
                        .build())
                .getInfoMap())
        .orElseThrow(() -> new IllegalStateException("container " + containerId + " has no pid"));
  }

  private RuntimeServiceBlockingStub stub() {
    return RuntimeServiceGrpc.newBlockingStub(channel.channel())
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** Stops and removes every pod this created, with its containers; then closes the channel. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (String id : pods.keySet()) {
      try {
        stub().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        stub().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
      } catch (StatusRuntimeException e) {
        failures.add(
            new IllegalStateException("cannot remove pod sandbox " + id + " at " + endpoint, e));
      }
    }
    pods.clear();
    channel.close();
    if (!failures.isEmpty()) {
      failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
      throw failures.get(0);
    }
  }
}
