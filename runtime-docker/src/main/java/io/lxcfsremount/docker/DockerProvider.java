package io.lxcfsremount.docker;

import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Docker, at the host given or at its default socket. */
public final class DockerProvider implements RuntimeProvider {
  private final DockerHost host;

  private DockerProvider(DockerHost host) {
    this.host = host;
  }

  /**
   * @throws IllegalArgumentException naming {@code host} and the forms that are accepted
   */
  public static DockerProvider at(String host) {
    return new DockerProvider(DockerHost.parse(host));
  }

  /**
   * Unless no socket is at the default path: Docker is not installed, which is no news. A host the
   * user named is asked whether it exists or not, so that it is named when it does not answer.
   */
  @Override
  public boolean applicable() {
    return !host.equals(DockerHost.DEFAULT) || Files.exists(Path.of(host.socketPath()));
  }

  @Override
  public String describe() {
    return "Docker at " + host;
  }

  @Override
  public ContainerRuntime open(Duration deadline) {
    return DockerRuntime.open(host, deadline);
  }
}
