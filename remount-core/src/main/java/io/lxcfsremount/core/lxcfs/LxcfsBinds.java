package io.lxcfsremount.core.lxcfs;

import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.runtime.Bind;
import io.lxcfsremount.core.runtime.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The lxcfs files a container should have mounted, whether or not it has them now. */
public final class LxcfsBinds {
  private LxcfsBinds() {}

  /**
   * The binds from the lxcfs folder that the container's runtime says it was created with, and
   * those its pod's webhook record adds (read-only, as the webhook mounts them), their paths
   * normalized as mountinfo writes them.
   */
  public static List<Bind> of(Container container, Lxcfs lxcfs) {
    List<Bind> binds = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    for (Bind bind : container.binds()) {
      String source = normalized(bind.source());
      if (source.equals(lxcfs.dir()) || source.startsWith(lxcfs.dir() + "/")) {
        binds.add(new Bind(source, normalized(bind.target()), bind.readOnly()));
        targets.add(normalized(bind.target()));
      }
    }
    for (String path : container.injected()) {
      String target = normalized(path);
      if (target.startsWith("/") && targets.add(target)) {
        binds.add(new Bind(normalized(lxcfs.dir() + target), target, true));
      }
    }
    return binds;
  }

  /**
   * The {@code binds} that have nothing at their target in {@code table}: no lxcfs mount of any
   * instance, and no mount of the container's own (which wins).
   */
  public static List<MissingMount> missing(List<Bind> binds, MountTable table, Lxcfs lxcfs) {
    List<MissingMount> missing = new ArrayList<>();
    for (Bind bind : binds) {
      if (table.topAt(bind.target()).isEmpty()) {
        String file = bind.source().substring(lxcfs.dir().length());
        missing.add(new MissingMount(bind.target(), file.isEmpty() ? "/" : file, bind.readOnly()));
      }
    }
    return missing;
  }

  private static String normalized(String path) {
    return Path.of(path).normalize().toString();
  }
}
