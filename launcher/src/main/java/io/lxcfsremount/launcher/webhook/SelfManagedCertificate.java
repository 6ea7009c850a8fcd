package io.lxcfsremount.launcher.webhook;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA and a server certificate signed by it, made in memory at start-up, for clusters without
 * cert-manager. The keys never leave the process; the CA certificate goes into the webhook
 * configuration's caBundle ({@link CaBundlePublisher}), so the API server trusts this process.
 */
public final class SelfManagedCertificate {
  /** Longer than any process lives; the keys die with it. */
  static final Duration VALIDITY = Duration.ofDays(3650);

  /** For API servers whose clock is a little behind this node's. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private SelfManagedCertificate() {}

  /** The server's key and chain (certificate, then CA), and the CA certificate alone. */
  public record Issued(TlsMaterial server, X509Certificate ca) {}

  /** A new CA, and a certificate of it for {@code dnsNames} (the first is its common name). */
  public static Issued issue(List<String> dnsNames, Clock clock) {
    try {
      Instant now = clock.instant();
      Date notBefore = Date.from(now.minus(CLOCK_SKEW));
      Date notAfter = Date.from(now.plus(VALIDITY));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      KeyPair caKeys = keyPair();
      X500Name caName =
          new X500Name("CN=lxcfs-remount webhook CA " + Long.toHexString(RANDOM.nextLong()));
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
                  caName, serial(), notBefore, notAfter, caName, caKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCertificate = sign(ca, caKeys);

      KeyPair serverKeys = keyPair();
      GeneralNames names =
          new GeneralNames(
              dnsNames.stream()
                  .map(name -> new GeneralName(GeneralName.dNSName, name))
                  .toArray(GeneralName[]::new));
      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  notBefore,
                  notAfter,
                  new X500Name("CN=" + dnsNames.get(0)),
                  serverKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, names)
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(caCertificate));
      X509Certificate serverCertificate = sign(server, caKeys);
      return new Issued(
          new TlsMaterial(serverKeys.getPrivate(), List.of(serverCertificate, caCertificate)),
          caCertificate);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a CA and certificate: " + e.getMessage(), e);
    }
  }

  /** {@code certificate} as PEM text. */
  public static String pem(X509Certificate certificate) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** ECDSA P-256: quick to make at every start, and accepted by every API server. */
  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }
}
