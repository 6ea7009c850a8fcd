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
 * An image a script of the repository builds without any registry: built once per test run (the
 * script does nothing when the image is up to date), and removed when the run ends if the run built
 * it.
 */
final class LocalImage implements BeforeAllCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LocalImage.class);

  private final String name;
  private final String script;

  private LocalImage(String name, String script) {
    this.name = name;
    this.script = script;
  }

  /** The image of deploy/Dockerfile. */
  static LocalImage sidecar() {
    return new LocalImage("local/lxcfs-remount:it", "deploy/build-image");
  }

  /** An lxcfs image as deploy/kubernetes asks of its lxcfs container's image. */
  static LocalImage lxcfs() {
    return new LocalImage("local/lxcfs-pod:it", "scripts/lxcfs-test-image");
  }

  String name() {
    return name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(name, key -> Built.build(name, script), Built.class);
  }

  /** Closed by JUnit when the run ends. */
  record Built(String name, boolean byThisRun) implements AutoCloseable {
    static Built build(String name, String script) {
      boolean existed = Programs.run("docker", "image", "inspect", name).exitCode() == 0;
      String log = run(script, name);
      System.err.println(log.strip());
      return new Built(name, !existed || log.contains("BUILT " + name));
    }

    /** Runs the script (half a minute when it builds: more than Programs.run allows). */
    private static String run(String script, String name) {
      try {
        Path log = Files.createTempFile("lxcfs-remount-image", ".log");
        try {
          Process process =
              new ProcessBuilder(repository().resolve(script).toString(), name)
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile())
                  .start();
          if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(script + " did not finish within 10 minutes");
          }
          if (process.exitValue() != 0) {
            throw new IllegalStateException(script + " failed:\n" + Files.readString(log));
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
        Programs.run("docker", "rmi", name);
      }
    }
  }

  /** The repository's root folder. */
  static Path repository() {
    return DeployManifests.folder().getParent().getParent();
  }
}
