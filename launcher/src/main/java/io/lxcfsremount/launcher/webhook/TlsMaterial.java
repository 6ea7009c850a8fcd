package io.lxcfsremount.launcher.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.encoders.DecoderException;

/** A private key and its certificate chain (the server's first), as a TLS server presents them. */
public record TlsMaterial(PrivateKey key, List<X509Certificate> chain) {
  public TlsMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * Reads PEM as cert-manager and openssl write it: the chain, and a key in PKCS#8 ({@code PRIVATE
   * KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}).
   *
   * @throws IOException naming what is wrong: no certificate, no key, or a key that is not the
   *     certificate's (a rotation caught half-way)
   */
  static TlsMaterial fromPem(byte[] certificates, byte[] key) throws IOException {
    List<X509Certificate> chain = certificates(certificates);
    PrivateKey privateKey = privateKey(key);
    if (!matches(privateKey, chain.get(0))) {
      throw new IOException("the private key is not the certificate's");
    }
    return new TlsMaterial(privateKey, chain);
  }

  private static List<X509Certificate> certificates(byte[] pem) throws IOException {
    try {
      List<X509Certificate> chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (chain.isEmpty()) {
        throw new IOException("no PEM certificate");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IOException("no PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(byte[] pem) throws IOException {
    Object object;
    try (PEMParser parser =
        new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      object = parser.readObject();
    } catch (DecoderException e) {
      // Bouncy Castle throws this unchecked for a body that is not base64: a broken file, not a
      // bug.
      throw new IOException("no PEM private key: " + e.getMessage(), e);
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (object instanceof PEMKeyPair pair) {
      return converter.getPrivateKey(pair.getPrivateKeyInfo());
    }
    if (object instanceof PrivateKeyInfo info) {
      return converter.getPrivateKey(info);
    }
    throw new IOException(
        "no unencrypted PEM private key (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) throws IOException {
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = "lxcfs-remount".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }
}
