package io.lxcfsremount.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LxcfsProcessFinderTest {
  private static final String DIR = "/var/lib/lxcfs";

  @TempDir Path proc;

  @Test
  void findsTheProcessServingTheFolder() throws IOException {
    process(1, 0, 10, "systemd", "/sbin/init");
    process(40, 1, 20, "lxcfs", "lxcfs", "-f", DIR + "/");
    process(41, 1, 21, "lxcfs", "lxcfs", "-f", "/elsewhere");

    assertThat(finder().find(DIR)).isEqualTo(OptionalLong.of(40));
  }

  @Test
  void prefersTheYoungest_whenARestartOverlapsTheOldOnesExit() throws IOException {
    process(40, 1, 20, "lxcfs", "lxcfs", DIR);
    process(90, 1, 80, "lxcfs", "lxcfs", DIR);

    assertThat(finder().find(DIR)).isEqualTo(OptionalLong.of(90));
  }

  @Test
  void listsEveryServer_youngestFirst_whenARollingUpdateStartsTheNewOneBeforeTheOldOneStops()
      throws IOException {
    process(40, 1, 20, "lxcfs", "lxcfs", DIR);
    process(95, 40, 85, "lxcfs", "lxcfs", DIR);
    process(90, 1, 80, "lxcfs", "lxcfs", DIR);
    process(91, 1, 81, "lxcfs", "lxcfs", "/elsewhere");

    assertThat(finder().serving(DIR)).containsExactly(90L, 40L);
  }

  @Test
  void skipsTheCopiesLxcfsForksOfItself() throws IOException {
    process(40, 1, 20, "lxcfs", "lxcfs", "-f", DIR);
    process(95, 40, 85, "lxcfs", "lxcfs", "-f", DIR);
    process(96, 95, 86, "lxcfs", "lxcfs", "-f", DIR);

    assertThat(finder().find(DIR)).isEqualTo(OptionalLong.of(40));
  }

  @Test
  void takesOnlyTheNameLxcfs_notOneThatStartsWithIt() throws IOException {
    process(40, 1, 20, "lxcfs-helper", "lxcfs-helper", DIR);
    process(41, 1, 21, "lxcf", "lxcf", DIR);

    assertThat(finder().find(DIR)).isEmpty();
  }

  @Test
  void findsNothing_whenNoLxcfsServesTheFolder() throws IOException {
    process(1, 0, 10, "systemd", "/sbin/init");

    assertThat(finder().find(DIR)).isEmpty();
  }

  private LxcfsProcessFinder finder() {
    return new LxcfsProcessFinder(proc);
  }

  private void process(long pid, long parent, long startTime, String comm, String... arguments)
      throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("comm"), comm + "\n");
    Files.writeString(dir.resolve("cmdline"), String.join("\0", arguments) + "\0");
    StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S " + parent);
    for (int field = 5; field <= 21; field++) {
      stat.append(" 0");
    }
    stat.append(' ').append(startTime).append(" 0 0\n");
    Files.writeString(dir.resolve("stat"), stat.toString());
  }
}
