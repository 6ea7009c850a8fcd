package io.lxcfsremount.cri;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

/** The gRPC channel to a CRI socket, set up the way CRI servers expect it. */
final class CriChannel {
  /** kubelet's limit too: a node's ListContainers answer can outgrow gRPC's default of 4 MiB. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private CriChannel() {}

  /** Opens a channel; nothing connects until the first call. */
  static ManagedChannel open(CriEndpoint endpoint) {
    // grpc-netty-shaded resolves unix:// targets itself and brings the epoll natives that unix
    // sockets need. The authority would otherwise be the socket path, which some CRI servers
    // reject.
    ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(endpoint.uri(), InsecureChannelCredentials.create())
            .overrideAuthority("localhost")
            .maxInboundMessageSize(MAX_MESSAGE_BYTES);
    if (builder instanceof NettyChannelBuilder netty) {
      // gRPC asks for TCP keepalive on every connection; a unix socket has none, and netty would
      // log "Unknown channel option 'SO_KEEPALIVE'" at each connect. A null value removes it.
      netty.withOption(ChannelOption.SO_KEEPALIVE, null);
    }
    return builder.build();
  }
}
