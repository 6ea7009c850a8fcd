package io.lxcfsremount.launcher.webhook;

import com.google.common.base.Ticker;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and certificate in two PEM files, read again when they change: cert-manager renews the
 * certificate in its Secret, and the kubelet swaps the mounted files (atomically, by a symlink). A
 * handshake looks at the files at most once per {@link #CHECK_INTERVAL}; files that do not read
 * (half-written, or a key that is not the certificate's) are logged once and the previous key and
 * certificate stay in use.
 */
public final class CertificateFiles implements ServerCertificate {
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);

  private final Path certificateFile;
  private final Path keyFile;
  private final Ticker ticker;
  private volatile Loaded current;
  private volatile Loaded previous;
  private volatile long checkedAt;
  private Contents lastRefused = new Contents(new byte[0], new byte[0]);
  private int generation;

  /** The two files' bytes. */
  private record Contents(byte[] certificate, byte[] key) {
    boolean same(Contents other) {
      return Arrays.equals(certificate, other.certificate) && Arrays.equals(key, other.key);
    }
  }

  /** What was read, and from which bytes. */
  private record Loaded(Named named, Contents contents) {}

  private CertificateFiles(Path certificateFile, Path keyFile, Ticker ticker) {
    this.certificateFile = certificateFile;
    this.keyFile = keyFile;
    this.ticker = ticker;
  }

  /**
   * Reads the files once.
   *
   * @throws IOException naming the files and what is wrong with them
   */
  public static CertificateFiles load(Path certificateFile, Path keyFile, Ticker ticker)
      throws IOException {
    CertificateFiles files = new CertificateFiles(certificateFile, keyFile, ticker);
    Contents contents = files.read();
    files.current = new Loaded(new Named("cert-0", files.parse(contents)), contents);
    files.checkedAt = ticker.read();
    return files;
  }

  @Override
  public Named current() {
    if (ticker.read() - checkedAt >= CHECK_INTERVAL.toNanos()) {
      reloadIfChanged();
    }
    return current.named();
  }

  @Override
  public Optional<TlsMaterial> find(String alias) {
    for (Loaded loaded : new Loaded[] {current, previous}) {
      if (loaded != null && loaded.named().alias().equals(alias)) {
        return Optional.of(loaded.named().material());
      }
    }
    return Optional.empty();
  }

  private synchronized void reloadIfChanged() {
    long now = ticker.read();
    if (now - checkedAt < CHECK_INTERVAL.toNanos()) {
      return;
    }
    checkedAt = now;
    Contents contents = null;
    try {
      contents = read();
      if (contents.same(current.contents()) || contents.same(lastRefused)) {
        return;
      }
      TlsMaterial material = parse(contents);
      previous = current;
      current = new Loaded(new Named("cert-" + ++generation, material), contents);
      log.info(
          "certificate reloaded from {}: serial {}, valid until {}",
          certificateFile,
          material.certificate().getSerialNumber().toString(16),
          material.certificate().getNotAfter().toInstant());
    } catch (IOException e) {
      if (contents != null) {
        lastRefused = contents;
      }
      log.warn("certificate files not reloaded, the previous ones stay in use: {}", e.getMessage());
    }
  }

  private Contents read() throws IOException {
    return new Contents(readFile(certificateFile), readFile(keyFile));
  }

  private TlsMaterial parse(Contents contents) throws IOException {
    try {
      return TlsMaterial.fromPem(contents.certificate(), contents.key());
    } catch (IOException e) {
      throw new IOException(certificateFile + ", " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readFile(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
