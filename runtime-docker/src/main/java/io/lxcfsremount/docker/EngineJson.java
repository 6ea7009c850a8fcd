package io.lxcfsremount.docker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lxcfsremount.core.runtime.Bind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the few fields the agent needs from Engine API answers, with Jackson's streaming parser and
 * nothing else: docker-java's model of these answers costs a short-lived process some 0.3 s of
 * class loading and databind set-up, for a handful of fields. Unknown fields are skipped, so newer
 * Engines parse.
 */
final class EngineJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private EngineJson() {}

  /**
   * One entry of {@code GET /containers/json}.
   *
   * @param binds the host paths bound into it: the list carries the same {@code Mounts} as an
   *     inspect
   */
  record Listed(String id, List<String> names, Map<String, String> labels, List<Bind> binds) {}

  /** {@code GET /containers/json}: the running (and paused) containers. */
  static List<Listed> containers(byte[] json) throws IOException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      expect(parser, JsonToken.START_ARRAY);
      List<Listed> containers = new ArrayList<>();
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        containers.add(container(parser));
      }
      return containers;
    }
  }

  private static Listed container(JsonParser parser) throws IOException {
    String id = null;
    List<String> names = new ArrayList<>();
    Map<String, String> labels = new HashMap<>();
    List<Bind> binds = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("Id")) {
        id = parser.getText();
      } else if (field.equals("Names") && value == JsonToken.START_ARRAY) {
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
          names.add(parser.getText());
        }
      } else if (field.equals("Labels") && value == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          labels.put(key, parser.getValueAsString(""));
        }
      } else if (field.equals("Mounts") && value == JsonToken.START_ARRAY) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          mount(parser).ifPresent(binds::add);
        }
      } else {
        parser.skipChildren();
      }
    }
    if (id == null) {
      throw new IOException("a container without an Id in the container list");
    }
    return new Listed(id, names, labels, binds);
  }

  /**
   * {@code GET /containers/ID/json}: the host PID of its init, or 0 when it is not running (any
   * more); a paused container is running.
   */
  static long inspectedPid(byte[] json) throws IOException {
    try (JsonParser parser = objectAt(json)) {
      long pid = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT && field.equals("State")) {
          pid = statePid(parser);
        } else {
          parser.skipChildren();
        }
      }
      return pid;
    }
  }

  /** One entry of a container's {@code Mounts}, if it is a bind of a host path. */
  private static Optional<Bind> mount(JsonParser parser) throws IOException {
    String type = null;
    String source = null;
    String destination = null;
    boolean readWrite = true;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "Type" -> type = parser.getValueAsString();
        case "Source" -> source = parser.getValueAsString();
        case "Destination" -> destination = parser.getValueAsString();
        case "RW" -> readWrite = parser.getValueAsBoolean(true);
        default -> parser.skipChildren();
      }
    }
    return "bind".equals(type) && source != null && destination != null
        ? Optional.of(new Bind(source, destination, !readWrite))
        : Optional.empty();
  }

  private static long statePid(JsonParser parser) throws IOException {
    boolean running = false;
    long pid = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "Running" -> running = parser.getValueAsBoolean();
        case "Pid" -> pid = parser.getValueAsLong();
        default -> parser.skipChildren();
      }
    }
    return running ? pid : 0;
  }

  /** The {@code message} of an Engine error answer, or the answer itself when it is not one. */
  static String message(byte[] json) {
    try (JsonParser parser = objectAt(json)) {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (field.equals("message")) {
          return parser.getValueAsString("");
        }
        parser.skipChildren();
      }
    } catch (IOException e) {
      // Not JSON: the raw text says more than the parse error would.
    }
    return new String(json, java.nio.charset.StandardCharsets.UTF_8).strip();
  }

  private static JsonParser objectAt(byte[] json) throws IOException {
    JsonParser parser = FACTORY.createParser(json);
    expect(parser, JsonToken.START_OBJECT);
    return parser;
  }

  private static void expect(JsonParser parser, JsonToken token) throws IOException {
    JsonToken found = parser.nextToken();
    if (found != token) {
      parser.close();
      throw new IOException("expected " + token.asString() + " but found " + found);
    }
  }
}
