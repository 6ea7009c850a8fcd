package io.lxcfsremount.core.runtime;

import java.util.List;

/** A source of running containers: a container engine's API, or a scan of /proc. */
public interface ContainerRuntime {

  /**
   * Short name used in reports and on the command line: {@code docker}, {@code cri}, {@code proc}.
   */
  String name();

  /** What answered, for people: {@code docker 20.10.24 at unix:///var/run/docker.sock}. */
  String describe() throws RuntimeUnavailableException;

  /**
   * The containers running now, each with the host PID of its init process.
   *
   * @throws RuntimeUnavailableException when the runtime cannot be reached or answers nonsense
   */
  List<Container> runningContainers() throws RuntimeUnavailableException;

  /**
   * Starts asking for the running containers now, in the background, for a pass that follows at
   * once: the next {@link #runningContainers()} takes that answer, however old, instead of asking
   * again. For a short command (repair, status), whose one pass comes right after its start-up: the
   * question is then on its way while the agent still loads. A runtime that cannot ask ahead asks
   * when the pass does.
   */
  default void askAhead() {}
}
