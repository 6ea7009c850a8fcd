package io.lxcfsremount.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.report.Summary;
import io.lxcfsremount.core.runtime.Container;
import java.util.List;
import java.util.OptionalLong;

/**
 * The report for machines: one JSON document with {@code lxcfs}, {@code runtimes} (when given),
 * {@code containers} (each with its {@code mounts}), {@code warnings} and {@code summary}.
 */
final class JsonReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonReport() {}

  static String render(ReconcileReport report, List<RuntimeDescription> runtimes) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("lxcfs", lxcfs(report.lxcfs()));
    if (!runtimes.isEmpty()) {
      ArrayNode sources = root.putArray("runtimes");
      runtimes.forEach(
          r -> sources.addObject().put("name", r.name()).put("describe", r.describe()));
    }
    ArrayNode containers = root.putArray("containers");
    report.containers().forEach(c -> containers.add(container(c)));
    ArrayNode warnings = root.putArray("warnings");
    report.warnings().forEach(warnings::add);
    root.set("summary", summary(report));
    return root.toString();
  }

  private static ObjectNode lxcfs(Lxcfs lxcfs) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("dir", lxcfs.dir());
    node.put("generation", lxcfs.generation().toString());
    node.put("healthy", lxcfs.healthy());
    node.put("problem", lxcfs.problem());
    return node;
  }

  private static ObjectNode container(ContainerReport report) {
    Container container = report.candidate().container();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("runtime", container.runtime());
    node.put("id", container.id());
    node.put("name", container.name());
    node.put("pid", report.candidate().pid());
    OptionalLong namespace = report.candidate().mountNamespace();
    if (namespace.isPresent()) {
      node.put("mountNamespace", namespace.getAsLong());
    } else {
      node.putNull("mountNamespace");
    }
    if (container.pod() != null) {
      ObjectNode pod = node.putObject("pod");
      pod.put("namespace", container.pod().namespace());
      pod.put("name", container.pod().name());
      pod.put("uid", container.pod().uid());
    }
    node.put("skipped", report.skipped());
    node.put("failed", report.failed());
    ArrayNode mounts = node.putArray("mounts");
    report.mounts().forEach(m -> mounts.add(mount(m)));
    return node;
  }

  private static ObjectNode mount(MountReport mount) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("target", mount.target());
    node.put("file", mount.file());
    node.put("readOnly", mount.readOnly());
    node.put("state", mount.state().label());
    node.put("strategy", mount.strategy() == null ? null : mount.strategy().cliName());
    node.put("reason", mount.reason());
    return node;
  }

  private static ObjectNode summary(ReconcileReport report) {
    Summary summary = report.summary();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("containers", summary.containers());
    node.put("containersWithLxcfs", summary.withLxcfs());
    node.put("containersSkipped", summary.skippedContainers());
    node.put("containersFailed", summary.failedContainers());
    for (MountState state : MountState.values()) {
      node.put(camelCase(state), summary.count(state));
    }
    node.put("elapsedMillis", report.elapsed().toMillis());
    return node;
  }

  private static String camelCase(MountState state) {
    String label = state.label();
    int dash = label.indexOf('-');
    return dash < 0
        ? label
        : label.substring(0, dash)
            + Character.toUpperCase(label.charAt(dash + 1))
            + label.substring(dash + 2);
  }
}
