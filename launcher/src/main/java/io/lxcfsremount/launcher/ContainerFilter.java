package io.lxcfsremount.launcher;

import io.lxcfsremount.core.runtime.Container;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code --container} values: a container passes when one of them names it (id or an id prefix
 * of at least four characters, name, pod, PID); no values let every container pass. Remembers which
 * values named nothing.
 */
final class ContainerFilter implements Predicate<Container> {
  private final Set<String> wanted;
  private final Set<String> unmatched;

  ContainerFilter(List<String> wanted) {
    this.wanted = Set.copyOf(wanted);
    this.unmatched = new LinkedHashSet<>(wanted);
  }

  @Override
  public synchronized boolean test(Container container) {
    if (wanted.isEmpty()) {
      return true;
    }
    boolean any = false;
    // Names, PIDs and pods are looked up; only id prefixes need a look at every value.
    for (String key : exactKeys(container)) {
      if (wanted.contains(key)) {
        unmatched.remove(key);
        any = true;
      }
    }
    for (String value : wanted) {
      if (value.length() >= 4 && container.id().startsWith(value)) {
        unmatched.remove(value);
        any = true;
      }
    }
    return any;
  }

  private static List<String> exactKeys(Container container) {
    List<String> keys = new ArrayList<>(List.of(container.name(), Long.toString(container.pid())));
    if (container.pod() != null) {
      keys.add(container.pod().toString());
      keys.add(container.pod() + "/" + container.name());
    }
    return keys;
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
