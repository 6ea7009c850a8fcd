package io.lxcfsremount.launcher;

import io.lxcfsremount.core.CandidateFinder;
import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.RuntimeUnavailableException;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.docker.DockerHost;
import io.lxcfsremount.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtimes a pass asks, chosen by {@code --runtime}, and whether the /proc scan adds
 * the mount namespaces none of them claims. Each runtime is asked once here, so that a runtime the
 * user named and that does not answer is one line and exit 2 before anything else happens.
 */
final class Runtimes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

  private final List<ContainerRuntime> runtimes;
  private final boolean includeUnclaimed;

  private Runtimes(List<ContainerRuntime> runtimes, boolean includeUnclaimed) {
    this.runtimes = List.copyOf(runtimes);
    this.includeUnclaimed = includeUnclaimed;
  }

  /**
   * @throws UsageException for a malformed endpoint, a runtime named on the command line that does
   *     not answer, or one that is not available in this build
   */
  static Runtimes choose(CommonOptions options) {
    return switch (options.runtime) {
      case PROC -> new Runtimes(List.of(), true);
      case DOCKER -> new Runtimes(List.of(requireDocker(dockerHost(options))), false);
      case AUTO -> {
        List<ContainerRuntime> answering = new ArrayList<>();
        dockerIfAnswering(dockerHost(options)).ifPresent(answering::add);
        yield new Runtimes(answering, true);
      }
      case CRI -> throw new UsageException("--runtime cri is not available yet; use docker, proc or auto");
    };
  }

  CandidateFinder finder(ProcFs proc) {
    return new CandidateFinder(proc, runtimes, includeUnclaimed);
  }

  private static DockerHost dockerHost(CommonOptions options) {
    try {
      return DockerHost.parse(options.dockerHost);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--docker-host: " + e.getMessage());
    }
  }

  private static DockerRuntime requireDocker(DockerHost host) {
    DockerRuntime docker = DockerRuntime.connect(host);
    try {
      log.debug("containers from {}", docker.describe());
      return docker;
    } catch (RuntimeUnavailableException e) {
      docker.close();
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Docker when it answers. No socket at the default path means Docker is not installed, which is
   * no news; an endpoint that exists (or that the user named) and does not answer is a warning.
   */
  private static Optional<DockerRuntime> dockerIfAnswering(DockerHost host) {
    if (host.equals(DockerHost.DEFAULT) && !Files.exists(Path.of(host.socketPath()))) {
      log.debug("no Docker socket at {}: containers come from /proc only", host.socketPath());
      return Optional.empty();
    }
    DockerRuntime docker = DockerRuntime.connect(host);
    try {
      log.debug("containers from {}", docker.describe());
      return Optional.of(docker);
    } catch (RuntimeUnavailableException e) {
      docker.close();
      log.warn("{}; containers come from /proc only", e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    for (ContainerRuntime runtime : runtimes) {
      if (runtime instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing {}", runtime.name(), e);
        }
      }
    }
  }
}
