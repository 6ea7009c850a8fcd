package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix socket that accepts every connection and never answers, nor closes: what a wedged dockerd
 * or containerd looks like to a client. Closing it closes every connection it accepted.
 */
public final class SilentSocket implements AutoCloseable {
  private final Path path;
  private final ServerSocketChannel server;
  private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();

  private SilentSocket(Path path, ServerSocketChannel server) {
    this.path = path;
    this.server = server;
  }

  /** Listens at {@code path} and accepts in the background. */
  public static SilentSocket listen(Path path) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    SilentSocket socket = new SilentSocket(path, server);
    Thread acceptor = new Thread(socket::accept, "silent-socket " + path);
    acceptor.setDaemon(true);
    acceptor.start();
    return socket;
  }

  private void accept() {
    try {
      while (true) {
        accepted.add(server.accept());
      }
    } catch (IOException e) {
      // Closed: the test is over.
    }
  }

  public Path path() {
    return path;
  }

  /** {@code unix:///PATH}, as runtimes' endpoints are written. */
  public String uri() {
    return "unix://" + path;
  }

  /** Connections accepted so far (the client came, and got no answer). */
  public int accepted() {
    return accepted.size();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel channel : accepted) {
      channel.close();
    }
    Files.deleteIfExists(path);
  }
}
