package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CRI endpoint that cannot be used, given to the runnable jar: exit 2 and one line that names it,
 * before anything is looked at. Root only because repair checks its capabilities first.
 */
@RequiresReal(LXCFS)
class CriEndpointErrorsIT {
  @TempDir Path dir;

  @Test
  void repair_endpointThatDoesNotExist_exits2NamingIt() {
    Programs.Result result = repairWith("unix:///nonexistent.sock");

    assertOneLineExit2(
        result, "lxcfs-remount: cannot reach CRI at unix:///nonexistent.sock: no such socket");
  }

  @Test
  void repair_endpointThatIsARegularFile_exits2SayingItIsNotASocket() throws Exception {
    Path file = Files.writeString(dir.resolve("containerd.sock"), "");

    Programs.Result result = repairWith("unix://" + file);

    assertOneLineExit2(result, "lxcfs-remount: unix://" + file + " is not a socket");
  }

  @Test
  void repair_endpointThatIsNotAUnixSocket_exits2() {
    Programs.Result result = repairWith("tcp://127.0.0.1:10010");

    assertOneLineExit2(
        result,
        "lxcfs-remount: --cri-endpoint: CRI endpoint tcp://127.0.0.1:10010 is not a unix socket"
            + " (unix:///path/to/socket)");
  }

  @Test
  void repair_endpointThatDoesNotExist_failsBeforeWaitingForLxcfs() {
    long start = System.nanoTime();

    Programs.Result result = repairWith("unix:///nonexistent.sock", "--wait", "60s");

    assertOneLineExit2(
        result, "lxcfs-remount: cannot reach CRI at unix:///nonexistent.sock: no such socket");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  private Programs.Result repairWith(String endpoint, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "repair",
                "--runtime",
                "cri",
                "--cri-endpoint",
                endpoint,
                "--lxcfs-dir",
                dir.resolve("lxcfs").toString()));
    args.addAll(List.of(more));
    return LxcfsRemountJar.run(args.toArray(String[]::new));
  }

  private static void assertOneLineExit2(Programs.Result result, String line) {
    assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
    assertThat(result.stderr()).isEqualTo(line + System.lineSeparator());
    assertThat(result.stdout()).isEmpty();
  }
}
