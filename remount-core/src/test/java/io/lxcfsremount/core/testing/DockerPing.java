package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a Docker engine {@code GET /_ping} on its unix socket, within a bound: a socket file proves
 * nothing (a dockerd that died leaves it behind; a wedged one accepts and never answers).
 */
final class DockerPing {
  private DockerPing() {}

  /** Why the engine at {@code socket} does not answer OK within {@code timeout}, if it does not. */
  static Optional<String> problem(Path socket, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.configureBlocking(false);
      channel.write(
          ByteBuffer.wrap(
              "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) {
          return Optional.of("no answer to GET /_ping within " + timeout.toMillis() + " ms");
        }
        selector.select(left);
        selector.selectedKeys().clear();
      }
      String answer = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      String status = answer.lines().findFirst().orElse("");
      return status.matches("HTTP/1\\.[01] 200 .*") && answer.endsWith("OK")
          ? Optional.empty()
          : Optional.of("GET /_ping answered '" + status + "'");
    } catch (IOException e) {
      return Optional.of("GET /_ping: " + e.getMessage());
    }
  }
}
