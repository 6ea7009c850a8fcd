package io.lxcfsremount.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.runtime.Candidate;
import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.Pod;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enumeration over a fixture /proc: which mount namespaces are candidates, and whose. */
class CandidateFinderTest {
  private static final Container WEB =
      new Container("docker", "abc123", "web", 20, new Pod("default", "web-1", "u-1"));
  private static final Container GONE = new Container("docker", "def456", "gone", 99, null);

  @TempDir Path proc;

  @BeforeEach
  void fixtureProc() throws IOException {
    process("self", 1, 100, "java");
    process("1", 1, 100, "init");
    process("20", 2, 200, "sleep");
    process("21", 3, 200, "unshare");
    process("30", 4, 100, "nginx");
    process("31", 4, 100, "nginx");
  }

  @Test
  void find_namesTheRuntimesContainers_andTheirChildNamespaces() throws Exception {
    List<Candidate> candidates = finder(List.of(runtime(WEB)), false).find().candidates();

    assertThat(candidates).containsExactly(Candidate.in(WEB, 20, 2), Candidate.in(WEB, 21, 3));
  }

  @Test
  void find_addsUnclaimedNamespacesOnce_underTheirFirstProcess_butNotTheAgentsOwn()
      throws Exception {
    List<Candidate> candidates = finder(List.of(runtime(WEB)), true).find().candidates();

    assertThat(candidates)
        .containsExactly(
            Candidate.in(WEB, 20, 2),
            Candidate.in(WEB, 21, 3),
            Candidate.in(new Container("proc", "mnt:[4]", "nginx", 30, null), 30, 4));
  }

  @Test
  void find_reportsAContainerWhoseProcessIsGone_withoutANamespace() throws Exception {
    List<Candidate> candidates = finder(List.of(runtime(GONE)), false).find().candidates();

    assertThat(candidates).containsExactly(Candidate.exited(GONE, 99));
  }

  @Test
  void find_turnsAnUnreachableRuntimeIntoAWarning_andStillScans() throws Exception {
    ContainerRuntime down = new FixedRuntime("docker", null);

    CandidateFinder.Candidates found = finder(List.of(down), true).find();

    assertThat(found.warnings()).containsExactly("docker: cannot reach Docker at unix:///x.sock");
    assertThat(found.candidates()).extracting(c -> c.container().runtime()).containsOnly("proc");
    assertThat(found.candidates()).extracting(Candidate::pid).containsExactly(20L, 21L, 30L);
  }

  @Test
  void find_runtimeThatFailsWithoutTheScanStandingIn_isAnIncompletePass() {
    ContainerRuntime down = new FixedRuntime("docker", null);

    assertThatThrownBy(() -> finder(List.of(down), false).find())
        .isInstanceOf(IncompletePassException.class)
        .hasMessage("docker: cannot reach Docker at unix:///x.sock; its containers are unknown");
  }

  @Test
  void find_letsTheFirstRuntimeClaimANamespace() throws Exception {
    Container sameAsWeb = new Container("cri", "zzz", "web-cri", 20, null);

    List<Candidate> candidates =
        finder(List.of(runtime(WEB), runtime(sameAsWeb)), false).find().candidates();

    assertThat(candidates).extracting(Candidate::container).containsOnly(WEB);
  }

  @Test
  void find_whereProcCannotBeListed_failsWithWhatTheSweepMet() {
    CandidateFinder finder =
        new CandidateFinder(
            new ProcFs(proc.resolve("absent")), List.of(runtime(WEB)), true, new RuntimeCalls());

    assertThatThrownBy(finder::find)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent");
  }

  private CandidateFinder finder(List<ContainerRuntime> runtimes, boolean includeUnclaimed) {
    return new CandidateFinder(new ProcFs(proc), runtimes, includeUnclaimed, new RuntimeCalls());
  }

  private static ContainerRuntime runtime(Container container) {
    return new FixedRuntime(container.runtime(), List.of(container));
  }

  private void process(String pid, long mountNamespace, long pidNamespace, String command)
      throws IOException {
    Path ns = Files.createDirectories(proc.resolve(pid).resolve("ns"));
    Files.createSymbolicLink(ns.resolve("mnt"), Path.of("mnt:[" + mountNamespace + "]"));
    Files.createSymbolicLink(ns.resolve("pid"), Path.of("pid:[" + pidNamespace + "]"));
    Files.writeString(proc.resolve(pid).resolve("comm"), command + "\n");
  }

  /** A runtime that answers with fixed containers, or is unreachable when they are null. */
  private record FixedRuntime(String name, List<Container> containers) implements ContainerRuntime {
    @Override
    public String describe() {
      return name + " (fixed)";
    }

    @Override
    public List<Container> runningContainers() throws RuntimeUnavailableException {
      if (containers == null) {
        throw new RuntimeUnavailableException("cannot reach Docker at unix:///x.sock");
      }
      return containers;
    }
  }
}
