package io.lxcfsremount.launcher.webhook;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Hands the TLS engine the {@link ServerCertificate}'s current key and chain at each handshake, so
 * a renewed certificate is served without a restart. The alias names one generation of them, so a
 * handshake that chose an alias gets that alias's key and chain even if a renewal lands in between.
 */
final class ServerKeyManager extends X509ExtendedKeyManager {
  private final ServerCertificate certificate;

  ServerKeyManager(ServerCertificate certificate) {
    this.certificate = certificate;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  private String alias(String keyType) {
    ServerCertificate.Named named = certificate.current();
    return named.material().key().getAlgorithm().equals(keyType) ? named.alias() : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return certificate
        .find(alias)
        .map(material -> material.chain().toArray(X509Certificate[]::new))
        .orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return certificate.find(alias).map(TlsMaterial::key).orElse(null);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
