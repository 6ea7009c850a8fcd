package io.lxcfsremount.launcher;

import io.lxcfsremount.core.CandidateFinder;
import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.proc.ProcScanRuntime;
import io.lxcfsremount.docker.DockerHost;
import io.lxcfsremount.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtimes a pass asks, chosen by {@code --runtime}, and whether the /proc scan adds
 * the mount namespaces none of them claims. Runtimes start connecting when chosen and are checked
 * once, so that a runtime the user named and that does not answer is one line and exit 2 before
 * anything else happens; in between, the caller can get on with its own start-up.
 */
final class Runtimes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

  private final List<ContainerRuntime> required;
  private final List<ContainerRuntime> optional;
  private final boolean includeUnclaimed;
  private boolean checked;

  private Runtimes(
      List<ContainerRuntime> required, List<ContainerRuntime> optional, boolean includeUnclaimed) {
    this.required = List.copyOf(required);
    this.optional = List.copyOf(optional);
    this.includeUnclaimed = includeUnclaimed;
  }

  /**
   * Chooses the runtimes and starts connecting to them; {@link #check()} waits for their answers.
   *
   * @throws UsageException for a malformed endpoint, or a runtime not available in this build
   */
  static Runtimes start(CommonOptions options) {
    return switch (options.runtime) {
      case PROC -> new Runtimes(List.of(), List.of(), true);
      case DOCKER ->
          new Runtimes(List.of(DockerRuntime.connect(dockerHost(options))), List.of(), false);
      case CRI ->
          new Runtimes(List.of(CriRuntimes.required(options.criEndpoint)), List.of(), false);
      case AUTO -> new Runtimes(List.of(), automatic(options), true);
    };
  }

  /**
   * Under {@code --runtime auto}: the CRI runtimes first (they name containers by pod, also where
   * cri-dockerd puts them in Docker), then Docker.
   */
  private static List<ContainerRuntime> automatic(CommonOptions options) {
    List<ContainerRuntime> runtimes = new ArrayList<>(CriRuntimes.available(options.criEndpoint));
    runtimes.addAll(dockerIfInstalled(dockerHost(options)));
    return runtimes;
  }

  /**
   * Waits until every runtime has answered or failed to. A runtime that {@code --runtime} named
   * must answer. One that auto found and that does not answer is a warning now, and stays in use:
   * every pass asks it again (a warning in the report while it is down), and the /proc scan covers
   * its containers meanwhile.
   *
   * @throws UsageException naming the endpoint of a named runtime that does not answer
   */
  void check() {
    for (ContainerRuntime runtime : required) {
      try {
        log.debug("containers from {}", runtime.describe());
      } catch (RuntimeUnavailableException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    for (ContainerRuntime runtime : optional) {
      try {
        log.debug("containers from {}", runtime.describe());
      } catch (RuntimeUnavailableException e) {
        log.warn("{}; its containers come from the /proc scan until it answers", e.getMessage());
      }
    }
    checked = true;
  }

  /** The candidates of a pass: the runtimes, then the scan. */
  CandidateFinder finder(ProcFs proc) {
    if (!checked) {
      throw new IllegalStateException("runtimes used before check()");
    }
    return new CandidateFinder(proc, concat(required, optional), includeUnclaimed);
  }

  /** Where containers come from, for people: each runtime, then the /proc scan if it is used. */
  List<ContainerRuntime> sources(ProcFs proc) {
    List<ContainerRuntime> sources = concat(required, optional);
    if (includeUnclaimed) {
      sources.add(new ProcScanRuntime(proc));
    }
    return sources;
  }

  private static DockerHost dockerHost(CommonOptions options) {
    try {
      return DockerHost.parse(options.dockerHost);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--docker-host: " + e.getMessage());
    }
  }

  /**
   * Docker, unless no socket is at the default path: Docker is not installed, which is no news. An
   * endpoint that exists (or that the user named) and does not answer is a warning, in check().
   */
  private static List<ContainerRuntime> dockerIfInstalled(DockerHost host) {
    if (host.equals(DockerHost.DEFAULT) && !Files.exists(Path.of(host.socketPath()))) {
      log.debug("no Docker socket at {}: containers come from /proc only", host.socketPath());
      return List.of();
    }
    return List.of(DockerRuntime.connect(host));
  }

  @Override
  public void close() {
    for (ContainerRuntime runtime : concat(required, optional)) {
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
