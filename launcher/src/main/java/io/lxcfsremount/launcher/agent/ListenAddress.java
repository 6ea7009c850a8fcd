package io.lxcfsremount.launcher.agent;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --listen HOST:PORT} as an address: {@code 127.0.0.1:9477}, {@code [::1]:9477}, or {@code
 * :9477} for every interface.
 */
public final class ListenAddress implements ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String listen) {
    int colon = listen.lastIndexOf(':');
    try {
      int port = Integer.parseInt(listen.substring(colon + 1));
      String host = listen.substring(0, Math.max(colon, 0)).replaceAll("^\\[|\\]$", "");
      return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + listen + "' is not HOST:PORT (expected e.g. 127.0.0.1:9477)");
    }
  }

  /** {@code address} as a person wrote it: host (or IP) and port. */
  public static String text(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}
