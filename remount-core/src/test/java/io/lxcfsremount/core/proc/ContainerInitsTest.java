package io.lxcfsremount.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.FixtureProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Init PIDs told from a fixture /proc: cgroups, parents and start times. */
class ContainerInitsTest {
  private static final String WEB = "a".repeat(64);
  private static final String DB = "b".repeat(64);
  private static final String INNER = "c".repeat(64);
  private static final String HOST = "0::/system.slice/containerd.service\n";

  @TempDir Path proc;

  @Test
  void theInitIsTheProcessWhoseParentIsOutside_notItsChildren() throws IOException {
    process(1, 0, 10, "0::/\n");
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    process(511, 510, 102, docker(WEB));
    process(512, 511, 103, docker(WEB));

    assertThat(inits()).containsOnly(Map.entry(WEB, 510L));
  }

  @Test
  void anExecAdoptedByTheShimToo_startedLater_isNotTheInit() throws IOException {
    process(500, 1, 100, HOST);
    process(530, 500, 300, docker(WEB));
    process(510, 500, 101, docker(WEB));

    assertThat(inits()).containsEntry(WEB, 510L);
  }

  @Test
  void processesInCgroupsTheContainerMadeBelowItsOwn_count() throws IOException {
    process(500, 1, 100, HOST);
    process(510, 500, 101, "0::/system.slice/docker-" + WEB + ".scope/init.scope\n");
    process(511, 510, 102, "0::/system.slice/docker-" + WEB + ".scope/system.slice/cron.service\n");

    assertThat(inits()).containsEntry(WEB, 510L);
  }

  @Test
  void aContainerInsideAnother_eachHasItsOwnInit() throws IOException {
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    process(511, 510, 102, docker(WEB));
    process(520, 511, 200, "0::/docker/" + WEB + "/docker/" + INNER + "\n");

    assertThat(inits()).containsEntry(WEB, 510L).containsEntry(INNER, 520L);
  }

  @Test
  void everyContainerWithProcesses_andNoHostProcess() throws IOException {
    process(1, 0, 10, "0::/\n");
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    process(520, 500, 102, docker(INNER));

    assertThat(inits()).containsOnlyKeys(WEB, INNER);
  }

  @Test
  void twoRootsStartedInTheSameTick_areLeftToTheRuntime() throws IOException {
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    process(511, 500, 101, docker(WEB));
    process(520, 500, 102, docker(DB));

    assertThat(inits()).containsOnlyKeys(DB);
  }

  @Test
  void aProcessWhoseStatCannotBeRead_isLeftOut() throws IOException {
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    process(511, 500, 90, docker(WEB));
    Files.writeString(proc.resolve("511/stat"), "garbage");
    Files.createDirectories(proc.resolve("512"));

    assertThat(inits()).containsEntry(WEB, 510L);
  }

  @Test
  void aCommandWithSpacesAndParentheses_isReadPastItsName() throws IOException {
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));
    Files.writeString(
        proc.resolve("510/stat"),
        "510 (my (odd) cmd) S 500 510 510 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 101 1 1 1");

    assertThat(inits()).containsEntry(WEB, 510L);
  }

  @Test
  void aCgroupFileLongerThanTheBuffer_isReadWhole() throws IOException {
    process(500, 1, 100, HOST);
    process(
        510,
        500,
        101,
        "1:name=systemd:/user.slice/a-long-name.service\n".repeat(200) + docker(WEB));

    assertThat(inits()).containsEntry(WEB, 510L);
  }

  @Test
  void aProcThatCannotBeListed_showsNothing() {
    assertThat(new ContainerInits(new ProcFs(proc.resolve("absent"))).scan()).isEmpty();
  }

  @Test
  void aScanMeanwhile_answersAsAScanDoes() throws Exception {
    process(500, 1, 100, HOST);
    process(510, 500, 101, docker(WEB));

    assertThat(new ContainerInits(new ProcFs(proc)).scanMeanwhile().get(10, TimeUnit.SECONDS))
        .containsOnly(Map.entry(WEB, 510L));
  }

  private Map<String, Long> inits() {
    return new ContainerInits(new ProcFs(proc)).scan();
  }

  private static String docker(String id) {
    return "4:memory:/docker/" + id + "\n1:cpu:/docker/" + id + "\n0::/docker/" + id + "\n";
  }

  private void process(long pid, long parent, long startTime, String cgroup) throws IOException {
    new FixtureProcesses(proc).process(pid, parent, startTime, cgroup);
  }
}
