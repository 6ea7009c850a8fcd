package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeUnavailableException;
import java.util.List;

/**
 * A runtime that answers as {@code inner} does, then lets something happen before the pass goes on:
 * what happens when a container stops while a pass runs.
 */
public record AfterListing(ContainerRuntime inner, Action afterwards) implements ContainerRuntime {

  /** What happens once the containers are listed. */
  public interface Action {
    void run(List<Container> listed) throws Exception;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String describe() throws RuntimeUnavailableException {
    return inner.describe();
  }

  @Override
  public List<Container> runningContainers() throws RuntimeUnavailableException {
    List<Container> listed = inner.runningContainers();
    try {
      afterwards.run(listed);
    } catch (Exception e) {
      throw new IllegalStateException("after listing: " + e, e);
    }
    return listed;
  }
}
