package io.lxcfsremount.launcher.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.report.Summary;
import io.lxcfsremount.core.runtime.Container;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The report for machines: one JSON document with {@code lxcfs}, {@code runtimes} (when given),
 * {@code containers} (each with its {@code mounts}), {@code warnings} and {@code summary}. Written
 * with Jackson's streaming generator: an ObjectMapper costs a one-shot repair a tenth of a second
 * to set up, cold, for a document that is written once, in order.
 */
final class JsonReport {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonReport() {}

  static String render(ReconcileReport report, List<RuntimeDescription> runtimes) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName("lxcfs");
      lxcfs(json, report.lxcfs());
      if (!runtimes.isEmpty()) {
        json.writeArrayFieldStart("runtimes");
        for (RuntimeDescription runtime : runtimes) {
          json.writeStartObject();
          json.writeStringField("name", runtime.name());
          json.writeStringField("describe", runtime.describe());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeArrayFieldStart("containers");
      for (ContainerReport container : report.containers()) {
        container(json, container);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("warnings");
      for (String warning : report.warnings()) {
        json.writeString(warning);
      }
      json.writeEndArray();
      json.writeFieldName("summary");
      summary(json, report);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing the JSON report to a string", e);
    }
    return out.toString();
  }

  private static void lxcfs(JsonGenerator json, Lxcfs lxcfs) throws IOException {
    json.writeStartObject();
    json.writeStringField("dir", lxcfs.dir());
    json.writeStringField("generation", lxcfs.generation().toString());
    json.writeBooleanField("healthy", lxcfs.healthy());
    json.writeStringField("problem", lxcfs.problem());
    json.writeEndObject();
  }

  private static void container(JsonGenerator json, ContainerReport report) throws IOException {
    Container container = report.candidate().container();
    json.writeStartObject();
    json.writeStringField("runtime", container.runtime());
    json.writeStringField("id", container.id());
    json.writeStringField("name", container.name());
    json.writeNumberField("pid", report.candidate().pid());
    OptionalLong namespace = report.candidate().mountNamespace();
    if (namespace.isPresent()) {
      json.writeNumberField("mountNamespace", namespace.getAsLong());
    } else {
      json.writeNullField("mountNamespace");
    }
    if (container.pod() != null) {
      json.writeObjectFieldStart("pod");
      json.writeStringField("namespace", container.pod().namespace());
      json.writeStringField("name", container.pod().name());
      json.writeStringField("uid", container.pod().uid());
      json.writeEndObject();
    }
    json.writeStringField("skipped", report.skipped());
    json.writeStringField("failed", report.failed());
    json.writeArrayFieldStart("mounts");
    for (MountReport mount : report.mounts()) {
      mount(json, mount);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void mount(JsonGenerator json, MountReport mount) throws IOException {
    json.writeStartObject();
    json.writeStringField("target", mount.target());
    json.writeStringField("file", mount.file());
    json.writeBooleanField("readOnly", mount.readOnly());
    json.writeStringField("state", mount.state().label());
    json.writeStringField("strategy", mount.strategy() == null ? null : mount.strategy().cliName());
    json.writeStringField("reason", mount.reason());
    json.writeEndObject();
  }

  private static void summary(JsonGenerator json, ReconcileReport report) throws IOException {
    Summary summary = report.summary();
    json.writeStartObject();
    json.writeNumberField("containers", summary.containers());
    json.writeNumberField("containersWithLxcfs", summary.withLxcfs());
    json.writeNumberField("containersSkipped", summary.skippedContainers());
    json.writeNumberField("containersFailed", summary.failedContainers());
    for (MountState state : MountState.values()) {
      json.writeNumberField(camelCase(state), summary.count(state));
    }
    json.writeNumberField("elapsedMillis", report.elapsed().toMillis());
    json.writeEndObject();
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
