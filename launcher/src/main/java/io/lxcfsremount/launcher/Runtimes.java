package io.lxcfsremount.launcher;

import io.lxcfsremount.core.CandidateFinder;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.proc.ProcScanRuntime;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.NotThisRuntimeException;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import io.lxcfsremount.core.runtime.RuntimeProvider;
import io.lxcfsremount.cri.CriProvider;
import io.lxcfsremount.docker.DockerProvider;
import io.lxcfsremount.launcher.report.RuntimeDescription;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtimes a pass asks, chosen by {@code --runtime}, and whether the /proc scan adds
 * the mount namespaces none of them claims. Runtimes start connecting when chosen and are checked
 * once, all at once and within {@link RuntimeCalls#BUDGET}, so that a runtime the user named and
 * that does not answer is one line and exit 2 before anything else happens; in between, the caller
 * can get on with its own start-up. Every question to the runtimes goes through one {@link
 * RuntimeCalls}, so a runtime found wedged is not waited for again at once.
 */
final class Runtimes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

  private final List<ContainerRuntime> named;
  private final List<ContainerRuntime> found;
  private final boolean includeUnclaimed;
  private final RuntimeCalls calls = new RuntimeCalls();
  private List<ContainerRuntime> inUse;

  /**
   * @param named what {@code --runtime} names: the first of them that answers is used (several only
   *     for the standard CRI sockets), and none answering is a usage error
   * @param found what {@code --runtime auto} found: each is used, answering or not
   */
  private Runtimes(
      List<ContainerRuntime> named, List<ContainerRuntime> found, boolean includeUnclaimed) {
    this.named = List.copyOf(named);
    this.found = List.copyOf(found);
    this.includeUnclaimed = includeUnclaimed;
  }

  /**
   * Chooses the runtimes and starts connecting to them; {@link #check()} waits for their answers.
   * {@code --runtime docker} and {@code cri} name theirs, whether applicable or not, so that the
   * one asked is named if none answers; auto asks the applicable CRI runtimes first (they name
   * containers by pod, also where cri-dockerd puts them in Docker), then Docker.
   *
   * @throws UsageException for a malformed endpoint
   */
  static Runtimes start(CommonOptions options) {
    return switch (options.runtime.value()) {
      case PROC -> new Runtimes(List.of(), List.of(), true);
      case DOCKER -> new Runtimes(open(List.of(docker(options))), List.of(), false);
      case CRI -> new Runtimes(open(cri(options)), List.of(), false);
      case AUTO -> {
        List<RuntimeProvider> providers = new ArrayList<>(cri(options));
        providers.add(docker(options));
        yield new Runtimes(List.of(), open(applicable(providers)), true);
      }
    };
  }

  private static List<RuntimeProvider> applicable(List<RuntimeProvider> providers) {
    List<RuntimeProvider> applicable = new ArrayList<>();
    for (RuntimeProvider provider : providers) {
      if (provider.applicable()) {
        applicable.add(provider);
      } else {
        log.debug("{}: no socket, not asked", provider.describe());
      }
    }
    return applicable;
  }

  private static List<ContainerRuntime> open(List<? extends RuntimeProvider> providers) {
    return providers.stream().map(provider -> provider.open(RuntimeCalls.CALL_DEADLINE)).toList();
  }

  private static List<CriProvider> cri(CommonOptions options) {
    try {
      return CriProvider.at(options.criEndpoint.value());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--cri-endpoint: " + e.getMessage());
    }
  }

  private static DockerProvider docker(CommonOptions options) {
    try {
      return DockerProvider.at(options.dockerHost.value());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--docker-host: " + e.getMessage());
    }
  }

  /** Asks every runtime started for its containers now, for the pass that follows at once. */
  void askAhead() {
    concat(named, found).forEach(ContainerRuntime::askAhead);
  }

  /**
   * Asks every runtime what it is, all at once. A runtime that {@code --runtime} named must answer.
   * One that auto found and that does not answer is a warning now, and stays in use: every pass
   * asks it again (a warning in the report while it is down), and the /proc scan covers its
   * containers meanwhile; one where something else answers (Docker's own containerd on a CRI
   * socket) is left out.
   *
   * @throws UsageException naming the endpoint of a named runtime that does not answer
   */
  void check() {
    List<ContainerRuntime> use = new ArrayList<>();
    List<String> namedProblems = new ArrayList<>();
    for (RuntimeCalls.Answer<String> answer :
        calls.ask(concat(named, found), ContainerRuntime::describe)) {
      ContainerRuntime runtime = answer.runtime();
      if (named.contains(runtime)) {
        if (!answer.answered()) {
          namedProblems.add(answer.failure().getMessage());
        } else if (use.isEmpty()) {
          log.debug("containers from {}", answer.value());
          use.add(runtime);
        }
      } else if (answer.answered()) {
        log.debug("containers from {}", answer.value());
        use.add(runtime);
      } else if (answer.failure() instanceof NotThisRuntimeException) {
        log.debug("{}: left out", answer.failure().getMessage());
      } else {
        log.warn(
            "{}; its containers come from the /proc scan until it answers",
            answer.failure().getMessage());
        use.add(runtime);
      }
    }
    if (!named.isEmpty() && use.isEmpty()) {
      throw new UsageException(
          named.size() == 1
              ? namedProblems.get(0)
              : "no CRI runtime answers ("
                  + String.join("; ", namedProblems)
                  + "): give --cri-endpoint");
    }
    inUse = use;
  }

  /** The candidates of a pass: the runtimes, then the scan. */
  CandidateFinder finder(ProcFs proc) {
    return new CandidateFinder(proc, checked(), includeUnclaimed, calls);
  }

  /** Where containers come from, for people: each runtime, then the /proc scan if it is used. */
  List<RuntimeDescription> sources(ProcFs proc) {
    List<ContainerRuntime> sources = new ArrayList<>(checked());
    if (includeUnclaimed) {
      sources.add(new ProcScanRuntime(proc));
    }
    return RuntimeDescription.of(calls.ask(sources, ContainerRuntime::describe));
  }

  private List<ContainerRuntime> checked() {
    if (inUse == null) {
      throw new IllegalStateException("runtimes used before check()");
    }
    return inUse;
  }

  /** Closes every runtime started, used or not. */
  @Override
  public void close() {
    for (ContainerRuntime runtime : concat(named, found)) {
      if (runtime instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing {}", runtime.name(), e);
        }
      }
    }
  }

  private static List<ContainerRuntime> concat(List<ContainerRuntime> a, List<ContainerRuntime> b) {
    List<ContainerRuntime> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
