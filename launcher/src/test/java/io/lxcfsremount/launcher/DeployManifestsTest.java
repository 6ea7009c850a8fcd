package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The manifests of deploy/kubernetes as the API server will read them, and the security settings
 * the deployment promises: a careless edit fails the build.
 */
class DeployManifestsTest {
  /**
   * A read of one file of the container's own lxcfs, with nothing but the shell (LxcfsContainerIT
   * runs it).
   */
  static final String LXCFS_PROBE = "read -r uptime < /var/lib/lxcfs/proc/uptime";

  /** And the host's /var/lib/lxcfs is this lxcfs: the host's new containers get it. */
  static final String LXCFS_STARTUP_PROBE =
      LXCFS_PROBE + " && [ /var/lib/lxcfs -ef /host/var/lib/lxcfs ]";

  private DaemonSet daemonSet;
  private PodSpec pod;
  private Container remount;
  private Container lxcfs;

  @BeforeEach
  void load() throws Exception {
    daemonSet = DeployManifests.daemonSet();
    pod = daemonSet.getSpec().getTemplate().getSpec();
    remount = DeployManifests.container(daemonSet, "remount");
    lxcfs = DeployManifests.container(daemonSet, "lxcfs");
  }

  @Test
  void everyManifest_loadsIntoFabric8sTypedModel_withoutAnUnknownField() throws Exception {
    List<Path> files = DeployManifests.files();

    assertThat(files)
        .extracting(file -> file.getFileName().toString())
        .contains(
            "namespace.yaml",
            "serviceaccount.yaml",
            "clusterrole.yaml",
            "clusterrolebinding.yaml",
            "daemonset.yaml");
    for (Path file : files) {
      HasMetadata object = DeployManifests.load(file);
      assertThat(DeployManifests.unknownFields(object)).as(file.getFileName().toString()).isEmpty();
    }
  }

  @Test
  void aMisspeltField_isCaught() {
    HasMetadata misspelt =
        DeployManifests.load(
            new ByteArrayInputStream(
                """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: lxcfs}
        spec:
          template:
            spec:
              hostPid: true
              containers:
                - name: remount
                  securityContext: {readOnlyRootFileSystem: true}
        """
                    .getBytes(StandardCharsets.UTF_8)));

    assertThat(DeployManifests.unknownFields(misspelt))
        .containsExactlyInAnyOrder(
            "DaemonSet.spec.template.spec.hostPid",
            "DaemonSet.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
  }

  @Test
  void kustomization_listsEveryManifest() throws Exception {
    String kustomization =
        Files.readString(DeployManifests.folder().resolve(DeployManifests.KUSTOMIZATION));

    for (Path file : DeployManifests.files()) {
      assertThat(kustomization).contains("  - " + file.getFileName() + "\n");
    }
  }

  @Test
  void thePod_sharesTheHostsPidNamespace_andRunsAsTheServiceAccountOfTheRbac() throws Exception {
    assertThat(pod.getHostPID()).isTrue();
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    ServiceAccount account = DeployManifests.only(ServiceAccount.class);
    assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    assertThat(account.getMetadata().getNamespace())
        .isEqualTo(daemonSet.getMetadata().getNamespace());
  }

  @Test
  void remount_isNotPrivileged_andHoldsOnlySysAdminSysChrootSysPtrace() {
    SecurityContext security = remount.getSecurityContext();

    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd())
        .containsExactlyInAnyOrder("SYS_ADMIN", "SYS_CHROOT", "SYS_PTRACE");
    assertThat(security.getRunAsUser()).isZero();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // no_new_privs does not bind a holder of CAP_SYS_ADMIN; the API refuses the two together.
    assertThat(security.getAllowPrivilegeEscalation()).isNotEqualTo(Boolean.FALSE);
    assertThat(
            pod.getSecurityContext() == null
                || pod.getSecurityContext().getSeccompProfile() == null)
        .isTrue();
  }

  @Test
  void remount_mountsNothingOfTheHost_butTheRuntimeSocket_readOnly() {
    assertThat(remount.getVolumeMounts())
        .allSatisfy(
            mount -> {
              assertThat(mount.getReadOnly()).isTrue();
              assertThat(volume(mount).getHostPath().getType()).isEqualTo("Socket");
              assertThat(mount.getMountPropagation()).isNull();
            });
  }

  @Test
  void remount_talksToTheRuntimeThroughItsSocket_readOnly() {
    VolumeMount socket = mountAt(remount, "/run/containerd/containerd.sock");

    assertThat(socket.getReadOnly()).isTrue();
    assertThat(hostPath(socket)).isEqualTo("/run/containerd/containerd.sock");
    assertThat(volume(socket).getHostPath().getType()).isEqualTo("Socket");
  }

  @Test
  void lxcfs_isPrivileged_andItsMountReachesTheHost() {
    VolumeMount hostVarLib = mountAt(lxcfs, "/host/var/lib");

    assertThat(lxcfs.getSecurityContext().getPrivileged()).isTrue();
    assertThat(hostVarLib.getMountPropagation()).isEqualTo("Bidirectional");
    assertThat(hostPath(hostVarLib)).isEqualTo("/var/lib");
  }

  @Test
  void lxcfs_mountsInItsOwnPrivateRoot_thenReplacesTheHostsLxcfsWithABindOfIt() {
    String script = String.join("\n", lxcfs.getArgs());

    assertThat(lxcfs.getCommand()).containsExactly("/bin/sh", "-c");
    assertThat(script)
        .containsSubsequence(
            "mount --make-private /\n",
            "lxcfs --enable-cfs --enable-loadavg /var/lib/lxcfs &\n",
            "trap 'kill -TERM $lxcfs' TERM INT\n",
            "umount -l /host/var/lib/lxcfs",
            "mount --bind /var/lib/lxcfs /host/var/lib/lxcfs\n",
            "wait $lxcfs",
            "= \"$mine\" ]; then\n  umount -l /host/var/lib/lxcfs\n");
  }

  @Test
  void rollingUpdate_startsTheNewPodFirst_andStopsTheOldOneOnceTheNewOneIsReady() {
    var rollingUpdate = daemonSet.getSpec().getUpdateStrategy().getRollingUpdate();

    assertThat(daemonSet.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(rollingUpdate.getMaxSurge().getIntVal()).isEqualTo(1);
    assertThat(rollingUpdate.getMaxUnavailable().getIntVal()).isEqualTo(0);
    assertThat(daemonSet.getSpec().getMinReadySeconds()).isBetween(5, 60);
    assertThat(remount.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
  }

  @Test
  void remount_runsWatch_listeningOnThePortOfItsProbesAndOfPrometheus() {
    Map<String, String> annotations =
        daemonSet.getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(remount.getArgs())
        .startsWith("watch")
        .contains("--listen=0.0.0.0:9477", "--runtime=auto", "--kubernetes-events=true");
    assertThat(remount.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getContainerPort()).isEqualTo(9477);
              assertThat(port.getName()).isEqualTo("metrics");
            });
    assertThat(path(remount.getLivenessProbe())).isEqualTo("/healthz");
    assertThat(path(remount.getStartupProbe())).isEqualTo("/healthz");
    assertThat(path(remount.getReadinessProbe())).isEqualTo("/readyz");
    for (Probe probe :
        List.of(
            remount.getLivenessProbe(), remount.getReadinessProbe(), remount.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    }
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "9477");
  }

  @Test
  void remount_namesItsNode_fromTheDownwardApi() {
    EnvVar nodeName =
        remount.getEnv().stream()
            .filter(e -> e.getName().equals("NODE_NAME"))
            .findFirst()
            .orElseThrow();

    assertThat(nodeName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
  }

  @Test
  void remount_hasSmallRequestsAndLimits() {
    Map<String, Quantity> requests = remount.getResources().getRequests();
    Map<String, Quantity> limits = remount.getResources().getLimits();

    assertThat(requests).containsKeys("cpu", "memory");
    assertThat(limits).containsKeys("cpu", "memory");
    assertThat(Quantity.getAmountInBytes(limits.get("memory")))
        .isLessThanOrEqualTo(Quantity.getAmountInBytes(new Quantity("256Mi")));
    assertThat(Quantity.getAmountInBytes(requests.get("memory")))
        .isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get("memory")));
  }

  @Test
  void rbac_allowsCreatingPatchingAndGettingCoreEvents_nothingElse() throws Exception {
    ClusterRole role = DeployManifests.only(ClusterRole.class);
    ClusterRoleBinding binding = DeployManifests.only(ClusterRoleBinding.class);

    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            (PolicyRule rule) -> {
              assertThat(rule.getApiGroups()).containsExactly("");
              assertThat(rule.getResources()).containsExactly("events");
              assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "patch", "get");
              assertThat(rule.getResourceNames()).isEmpty();
            });
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo(pod.getServiceAccountName());
              assertThat(subject.getNamespace()).isEqualTo(daemonSet.getMetadata().getNamespace());
            });
  }

  @Test
  void theNamespace_admitsThePod_atThePrivilegedPodSecurityLevelOnly() throws Exception {
    Namespace namespace = DeployManifests.only(Namespace.class);

    assertThat(namespace.getMetadata().getName()).isEqualTo(daemonSet.getMetadata().getNamespace());
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
        .containsEntry("pod-security.kubernetes.io/audit", "privileged")
        .containsEntry("pod-security.kubernetes.io/warn", "privileged");
  }

  @Test
  void thePod_isNodeCritical() {
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
  }

  @Test
  void lxcfs_runsWithTheCpuViewsOfTheReadersQuota_andItsLoadavg() {
    String script = String.join("\n", lxcfs.getArgs());

    assertThat(script).containsPattern("\nlxcfs .*--enable-cfs.* /var/lib/lxcfs &\n");
    assertThat(script).containsPattern("\nlxcfs .*--enable-loadavg.* /var/lib/lxcfs &\n");
  }

  @Test
  void lxcfs_isReplacedWhenAReadOfItsFilesFails_orDoesNotAnswerInTime() {
    assertThat(lxcfs.getLivenessProbe().getExec().getCommand())
        .containsExactly("/bin/sh", "-c", LXCFS_PROBE);
    assertThat(lxcfs.getStartupProbe().getExec().getCommand())
        .containsExactly("/bin/sh", "-c", LXCFS_STARTUP_PROBE);
    for (Probe probe : List.of(lxcfs.getStartupProbe(), lxcfs.getLivenessProbe())) {
      assertThat(probe.getTimeoutSeconds()).isBetween(1, 10);
    }
    assertThat(lxcfs.getLivenessProbe().getFailureThreshold()).isGreaterThanOrEqualTo(2);
    assertThat(lxcfs.getReadinessProbe()).isNull();
  }

  private static String path(Probe probe) {
    return probe.getHttpGet().getPath();
  }

  private static VolumeMount mountAt(Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(mount -> mount.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
  }

  private Volume volume(VolumeMount mount) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow();
  }

  private String hostPath(VolumeMount mount) {
    return volume(mount).getHostPath().getPath();
  }
}
