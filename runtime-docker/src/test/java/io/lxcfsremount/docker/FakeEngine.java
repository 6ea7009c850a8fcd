package io.lxcfsremount.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in Docker Engine on a unix socket of its own: answers GETs with canned status and JSON,
 * one request per connection, 404 for paths it does not know. Every answer names the Engine as
 * dockerd does, in a {@code Server} header: {@value #SERVER}.
 */
final class FakeEngine implements AutoCloseable {
  static final String SERVER = "Docker/20.10.24 (linux)";

  private final Path dir;
  private final ServerSocketChannel server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private record Answer(int status, String json) {}

  FakeEngine() throws IOException {
    dir = Files.createTempDirectory("fake-engine");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("docker.sock")));
    acceptor = new Thread(this::serve, "fake-engine");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  DockerHost host() {
    return DockerHost.parse("unix://" + dir.resolve("docker.sock"));
  }

  FakeEngine answer(String path, int status, String json) {
    answers.put(path, new Answer(status, json));
    return this;
  }

  /** The paths asked for so far, in order. */
  List<String> requested() {
    return List.copyOf(requested);
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        String path = requestPath(client);
        requested.add(path);
        Answer answer =
            answers.getOrDefault(path, new Answer(404, "{\"message\":\"page not found\"}"));
        byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
        String head =
            "HTTP/1.1 "
                + answer.status()
                + " X\r\nServer: "
                + SERVER
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n";
        client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        client.write(ByteBuffer.wrap(body));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** The path of a GET, read up to the end of its headers. */
  private static String requestPath(SocketChannel client) throws IOException {
    StringBuilder request = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (request.indexOf("\r\n\r\n") < 0 && client.read(buffer) > 0) {
      request.append(StandardCharsets.US_ASCII.decode(buffer.flip()));
      buffer.clear();
    }
    String[] requestLine = request.toString().split(" ", 3);
    return requestLine.length > 1 ? requestLine[1] : "";
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(dir.resolve("docker.sock"));
    Files.deleteIfExists(dir);
  }
}
