package io.lxcfsremount.launcher;

import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The image of deploy/Dockerfile, built once per test run with deploy/build-image (which does nothing
 * when the image is up to date), and removed at the end of the run when the run built it.
 */
final class SidecarImage implements BeforeAllCallback {
  static final String NAME = "local/lxcfs-remount:it";

  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SidecarImage.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(STORE).getOrComputeIfAbsent(Built.class, key -> Built.build(), Built.class);
  }

  /** Closed by JUnit when the run ends. */
  record Built(boolean byThisRun) implements AutoCloseable {
    static Built build() {
      boolean existed = Programs.run("docker", "image", "inspect", NAME).exitCode() == 0;
      String log = buildImage();
      System.err.println(log.strip());
      return new Built(!existed || log.contains("BUILT " + NAME));
    }

    /** Runs deploy/build-image (half a minute when it builds; more than Programs.run allows). */
    private static String buildImage() {
      try {
        Path log = Files.createTempFile("lxcfs-remount-build-image", ".log");
        try {
          Process process =
              new ProcessBuilder(repository().resolve("deploy/build-image").toString(), NAME)
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile())
                  .start();
          if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("deploy/build-image did not finish within 10 minutes");
          }
          if (process.exitValue() != 0) {
            throw new IllegalStateException("deploy/build-image failed:\n" + Files.readString(log));
          }
          return Files.readString(log);
        } finally {
          Files.deleteIfExists(log);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      if (byThisRun) {
        Programs.run("docker", "rmi", NAME);
      }
    }
  }

  /** The repository's root folder. */
  static Path repository() {
    return DeployManifests.folder().getParent().getParent();
  }
}
