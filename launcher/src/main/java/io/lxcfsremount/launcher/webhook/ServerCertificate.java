package io.lxcfsremount.launcher.webhook;

import java.util.Optional;

/** Where the server's key and certificate come from, asked at every TLS handshake. */
public interface ServerCertificate {
  /** A key and chain with a name that stays valid at least for the handshake that asked. */
  record Named(String alias, TlsMaterial material) {}

  /** What to present now. */
  Named current();

  /** What was presented under {@code alias}, if still known. */
  Optional<TlsMaterial> find(String alias);

  /** One key and chain for the life of the process (self-managed). */
  static ServerCertificate fixed(TlsMaterial material) {
    Named named = new Named("webhook", material);
    return new ServerCertificate() {
      @Override
      public Named current() {
        return named;
      }

      @Override
      public Optional<TlsMaterial> find(String alias) {
        return alias.equals(named.alias()) ? Optional.of(material) : Optional.empty();
      }
    };
  }
}
