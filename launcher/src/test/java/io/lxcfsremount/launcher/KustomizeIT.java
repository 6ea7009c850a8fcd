package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.KUBECTL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize deploy/kubernetes}, as {@code kubectl apply -k} renders it before
 * sending it: it renders, and what it renders is exactly the manifests the other tests check, with
 * the images of the kustomization.
 */
@RequiresReal(KUBECTL)
class KustomizeIT {
  @Test
  void kubectlKustomize_rendersEveryManifest_unchanged() throws Exception {
    String rendered = Programs.check("kubectl", "kustomize", DeployManifests.folder().toString());

    Map<String, HasMetadata> objects =
        Arrays.stream(rendered.split("(?m)^---$"))
            .map(yaml -> DeployManifests.load(new ByteArrayInputStream(bytes(yaml))))
            .collect(Collectors.toMap(KustomizeIT::id, Function.identity()));
    Map<String, HasMetadata> manifests =
        DeployManifests.all().stream()
            .collect(Collectors.toMap(KustomizeIT::id, Function.identity()));
    assertThat(objects).isEqualTo(manifests);
    DaemonSet daemonSet = (DaemonSet) objects.get("DaemonSet lxcfs");
    List<String> images =
        daemonSet.getSpec().getTemplate().getSpec().getContainers().stream()
            .map(Container::getImage)
            .toList();
    assertThat(images).containsExactly("lxcfs:5.0.3", "lxcfs-remount:0.1.0");
  }

  private static String id(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }

  private static byte[] bytes(String yaml) {
    return yaml.getBytes(StandardCharsets.UTF_8);
  }
}
