package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix socket that passes every connection through to a daemon's socket, until {@link #wedge()}:
 * from then on it accepts and never answers, also on connections already open, as the daemon would
 * if it hung; {@link #unwedge()} lets new connections through again.
 */
public final class WedgeableProxy implements AutoCloseable {
  private final Path path;
  private final Path target;
  private final ServerSocketChannel server;
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
  private final List<SocketChannel> upstreams = new CopyOnWriteArrayList<>();
  private volatile boolean wedged;

  private WedgeableProxy(Path path, Path target, ServerSocketChannel server) {
    this.path = path;
    this.target = target;
    this.server = server;
  }

  /** Listens at {@code path}, passing connections through to the socket at {@code target}. */
  public static WedgeableProxy listen(Path path, Path target) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    WedgeableProxy proxy = new WedgeableProxy(path, target, server);
    daemon("proxy-accept", proxy::accept);
    return proxy;
  }

  /** {@code unix:///PATH}. */
  public String uri() {
    return "unix://" + path;
  }

  /** From now on nothing answers: open connections fall silent, new ones are held. */
  public void wedge() throws IOException {
    wedged = true;
    for (SocketChannel upstream : upstreams) {
      upstream.close();
    }
  }

  /** New connections pass through again. */
  public void unwedge() {
    wedged = false;
  }

  private void accept() {
    try {
      while (true) {
        SocketChannel client = server.accept();
        clients.add(client);
        if (!wedged) {
          SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
          upstreams.add(upstream);
          daemon("proxy-up", () -> pump(client, upstream, upstream));
          daemon("proxy-down", () -> pump(upstream, client, upstream));
        }
      }
    } catch (IOException e) {
      // Closed: the test is over.
    }
  }

  /**
   * Copies {@code from} to {@code to} until either ends; then closes the upstream connection, and
   * the client too unless the proxy is wedged (a hung daemon never closes).
   */
  private void pump(SocketChannel from, SocketChannel to, SocketChannel upstream) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // One side went away.
    }
    closeQuietly(upstream);
    if (!wedged) {
      closeQuietly(from == upstream ? to : from);
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel channel : upstreams) {
      closeQuietly(channel);
    }
    for (SocketChannel channel : clients) {
      closeQuietly(channel);
    }
    Files.deleteIfExists(path);
  }
}
