package io.lxcfsremount.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A FUSE filesystem that a stand-in container mounted for itself, whose server the test can stop:
 * an lxcfs of the container's own, typed {@code fuse.hostile} so that nothing takes it for lxcfs.
 * Once stopped, every path lookup below it sleeps in the kernel until its server is killed, which
 * {@link #close()} does by PID.
 */
public final class HostileFuseMount implements AutoCloseable {
  private final Process server;
  private final Path dir;

  private HostileFuseMount(Process server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /** Mounts it at {@code dir} (an empty folder that the container sees) inside the container. */
  public static HostileFuseMount mount(StandInContainer container, Path dir) throws IOException {
    Path binary =
        Programs.find("lxcfs")
            .orElseThrow(() -> new IllegalStateException("lxcfs is not installed"));
    Process server =
        new ProcessBuilder(
                "nsenter",
                "-t",
                Long.toString(container.pid()),
                "-m",
                "--",
                binary.toString(),
                "-o",
                "subtype=hostile",
                "-p",
                dir.resolveSibling(dir.getFileName() + ".pid").toString(),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
            .start();
    HostileFuseMount mount = new HostileFuseMount(server, dir);
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (!mount.serving(container)) {
      if (Instant.now().isAfter(end) || !server.isAlive()) {
        mount.close();
        throw new IllegalStateException("the hostile FUSE server did not mount " + dir);
      }
      LxcfsProcess.sleep(20);
    }
    return mount;
  }

  private boolean serving(StandInContainer container) throws IOException {
    return container.mountTable().topAt(dir.toString()).stream()
            .anyMatch(m -> m.fsType().equals("fuse.hostile"))
        && Programs.run(
                    "nsenter",
                    "-t",
                    Long.toString(container.pid()),
                    "-m",
                    "--",
                    "test",
                    "-e",
                    dir + "/proc/meminfo")
                .exitCode()
            == 0;
  }

  /** A file it serves, as the container sees it, e.g. {@code proc/meminfo}. */
  public String file(String relative) {
    return dir.resolve(relative).toString();
  }

  /** Stops its server with SIGSTOP: from now on nothing below it answers. */
  public void stopAnswering() {
    Programs.check("kill", "-STOP", Long.toString(server.pid()));
  }

  /** Kills its server by PID (waking everything asleep on it) and removes its files. */
  @Override
  public void close() throws IOException {
    server.destroyForcibly();
    try {
      server.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".pid"));
    Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".log"));
  }
}
