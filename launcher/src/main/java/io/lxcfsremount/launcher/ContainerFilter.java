package io.lxcfsremount.launcher;

import io.lxcfsremount.core.Container;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code --container} values: a container passes when one of them names it (id or id prefix,
 * name, pod, PID); no values let every container pass. Remembers which values named nothing.
 */
final class ContainerFilter implements Predicate<Container> {
  private final List<String> wanted;
  private final Set<String> unmatched;

  ContainerFilter(List<String> wanted) {
    this.wanted = List.copyOf(wanted);
    this.unmatched = new LinkedHashSet<>(wanted);
  }

  @Override
  public synchronized boolean test(Container container) {
    if (wanted.isEmpty()) {
      return true;
    }
    boolean any = false;
    for (String value : wanted) {
      if (container.matches(value)) {
        unmatched.remove(value);
        any = true;
      }
    }
    return any;
  }

  /** The values that named no running container. */
  synchronized Set<String> unmatched() {
    return Set.copyOf(unmatched);
  }

  /** A pass's exit code, or exit 2 with one line when a value named no running container. */
  int exitCode(int passExitCode) {
    Set<String> none = unmatched();
    return none.isEmpty()
        ? passExitCode
        : Main.fail(
            ExitCode.USAGE, "no running container matches --container " + String.join(", ", none));
  }
}
