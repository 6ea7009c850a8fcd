package io.lxcfsremount.launcher;

import static org.awaitility.Awaitility.await;

import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** {@code lxcfs-remount watch} run from its jar, as the sidecar runs it; stopped by its PID. */
final class WatchProcess implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("http on port (\\d+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path log;
  private final int port;

  private WatchProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code watch} with {@code args} on a free port and waits until it serves HTTP. */
  static WatchProcess start(String... args) throws Exception {
    return start(UnaryOperator.identity(), args);
  }

  /** As {@link #start}, under exactly the capabilities the deployment grants. */
  static WatchProcess startDeployed(String... args) throws Exception {
    return start(LxcfsRemountJar::deployed, args);
  }

  private static WatchProcess start(UnaryOperator<ProcessBuilder> as, String... args)
      throws Exception {
    Path log = Files.createTempFile("lxcfs-remount-watch", ".log");
    List<String> command = new ArrayList<>(List.of("watch", "--listen", "127.0.0.1:0"));
    command.addAll(List.of(args));
    Process process =
        as.apply(LxcfsRemountJar.builder(Map.of(), command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new WatchProcess(process, log, awaitPort(process, log));
  }

  /**
   * The port that the agent writing {@code log} serves HTTP on, once it says so.
   *
   * @throws IllegalStateException with the log, when the agent exits or is silent for 15 s (it is
   *     then killed)
   */
  static int awaitPort(Process process, Path log) throws IOException {
    try {
      return await("the agent to serve HTTP")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .failFast("the agent exited", () -> !process.isAlive())
          .until(() -> port(log), OptionalInt::isPresent)
          .getAsInt();
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "watch did not start (" + e.getMessage() + "): " + Files.readString(log), e);
    }
  }

  private static OptionalInt port(Path log) throws IOException {
    Matcher port = PORT.matcher(Files.readString(log));
    return port.find() ? OptionalInt.of(Integer.parseInt(port.group(1))) : OptionalInt.empty();
  }

  /** The port it serves HTTP on. */
  int port() {
    return port;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** Its log and the stacks of its threads: what to look at when it did not do its job. */
  String diagnostics() throws IOException {
    return log()
        + "\n"
        + Programs.run("jcmd", Long.toString(process.pid()), "Thread.print").stdout();
  }

  String metrics() throws Exception {
    return get("/metrics").body();
  }

  /** The value of an unlabelled (or fully labelled) sample, e.g. {@code lxcfs_remount_lxcfs_up}. */
  double metric(String sample) throws Exception {
    for (String line : metrics().lines().toList()) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1));
      }
    }
    throw new AssertionError("no sample " + sample + " in /metrics");
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM, as a container runtime or systemd stops it, and waits for the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("watch did not stop within 15 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(log);
  }
}
