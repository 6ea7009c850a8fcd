package io.lxcfsremount.cri;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel to a CRI socket, set up the way CRI servers expect it, on an event loop of its
 * own that ends when the channel is closed.
 *
 * <p>gRPC's shared event loop outlives its last channel by a second, its thread waiting in
 * epoll_wait: a JVM that exits meanwhile waits 300 ms for threads in native code to come back
 * first, which a one-shot command would pay each time it has asked CRI.
 */
final class CriChannel implements AutoCloseable {
  /** kubelet's limit too: a node's ListContainers answer can outgrow gRPC's default of 4 MiB. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** The event loop has nothing to finish once the channel is shut down. */
  private static final Duration LOOP_SHUTDOWN = Duration.ofSeconds(1);

  /**
   * netty's switch for the JFR events of its buffer pool, by the name grpc-netty-shaded reads. They
   * are on by default, and netty's first buffer then starts JFR's registry of event types: 30 ms of
   * the first call to a CRI runtime, which a one-shot pass waits for. Left as it is when set.
   */
  static final String NETTY_JFR_EVENTS = "io.grpc.netty.shaded.io.netty.jfr.enabled";

  private final ManagedChannel channel;
  private final EventLoopGroup loop;

  private CriChannel(ManagedChannel channel, EventLoopGroup loop) {
    this.channel = channel;
    this.loop = loop;
  }

  /** Opens a channel; nothing connects until the first call. */
  static CriChannel open(CriEndpoint endpoint) {
    if (System.getProperty(NETTY_JFR_EVENTS) == null) {
      System.setProperty(NETTY_JFR_EVENTS, "false");
    }
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cri-event-loop", true), EpollIoHandler.newFactory());
    // A unix socket needs netty's epoll transport. The authority would otherwise be the socket
    // path, which some CRI servers reject. gRPC asks for TCP keepalive on every connection; a unix
    // socket has none, and netty would log "Unknown channel option 'SO_KEEPALIVE'" at each
    // connect: a null value removes it.
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(endpoint.uri(), InsecureChannelCredentials.create())
            .eventLoopGroup(loop)
            .channelType(EpollDomainSocketChannel.class)
            .overrideAuthority("localhost")
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .withOption(ChannelOption.SO_KEEPALIVE, null)
            .build();
    return new CriChannel(channel, loop);
  }

  ManagedChannel channel() {
    return channel;
  }

  /**
   * Shuts the channel down at once, and its event loop after it, waiting up to {@link
   * #LOOP_SHUTDOWN} for the loop's thread to end.
   */
  @Override
  public void close() {
    channel.shutdownNow();
    loop.shutdownGracefully(0, LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    try {
      loop.awaitTermination(LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
