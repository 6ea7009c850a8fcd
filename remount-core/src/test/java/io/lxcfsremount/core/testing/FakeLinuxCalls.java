package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.linux.Cloned;
import io.lxcfsremount.core.linux.Errnos;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.MountToClone;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Linux calls for unit tests, with no root and no kernel behind them: every process runs, every
 * clone is of the live lxcfs, every rebind works unless told otherwise; they remember what they
 * were asked.
 */
public final class FakeLinuxCalls implements LinuxCalls {
  private final Device live;
  private final Map<String, RebindOutcome> failing = new HashMap<>();
  private final Map<String, Integer> deadConnections = new HashMap<>();
  private Consumer<NamespaceRebind> kernel = rebind -> {};
  private Runnable meanwhile = () -> {};
  // A pass calls from several threads at once.
  public final List<String> cloned = Collections.synchronizedList(new ArrayList<>());
  public final List<NamespaceRebind> jobs = Collections.synchronizedList(new ArrayList<>());

  /** The processes pinned, once for each time a pass went to them: a retry pins afresh. */
  public final List<Long> pinned = Collections.synchronizedList(new ArrayList<>());

  public volatile int namespaceThreadsReadied;

  /** Calls whose clones are on {@code live}. */
  public FakeLinuxCalls(Device live) {
    this.live = live;
  }

  /** The rebind at {@code target} comes to {@code outcome}. */
  public FakeLinuxCalls failing(String target, RebindOutcome outcome) {
    failing.put(target, outcome);
    return this;
  }

  /** What a rebind that works does besides: e.g. the change a fixture mount table shows. */
  public FakeLinuxCalls onRebind(Consumer<NamespaceRebind> effect) {
    kernel = effect;
    return this;
  }

  /** What changes in a container after the pass read its table and before its rebinds. */
  public FakeLinuxCalls meanwhile(Runnable change) {
    meanwhile = change;
    return this;
  }

  /** A stat of {@code target} in a container answers ENOTCONN: its mount is a dead connection. */
  public FakeLinuxCalls deadAt(String target) {
    deadConnections.put(target, Errnos.ENOTCONN);
    return this;
  }

  @Override
  public Fd pidfdOpen(long pid) {
    pinned.add(pid);
    return new Fd(-1);
  }

  @Override
  public boolean isAlive(Fd pidfd) {
    return true;
  }

  @Override
  public Fd cloneMount(String path, MountFlags flags) {
    cloned.add(path + (flags.readOnly() ? " ro" : " rw"));
    return new Fd(-1);
  }

  @Override
  public List<Cloned> cloneMountsIn(Fd pidfd, List<MountToClone> mounts) {
    return mounts.stream().map(m -> Cloned.of(cloneMount(m.path(), m.flags()))).toList();
  }

  @Override
  public Device deviceOf(Fd fd, String path) {
    return live;
  }

  @Override
  public long statUncached(String path) {
    return 1;
  }

  @Override
  public void statUncached(long pid, String target) throws LinuxException {
    Integer errno = deadConnections.get(target);
    if (errno != null) {
      throw new LinuxException("statx", target, errno);
    }
  }

  @Override
  public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
    meanwhile.run();
    jobs.addAll(rebinds);
    List<RebindOutcome> outcomes = new ArrayList<>();
    for (NamespaceRebind rebind : rebinds) {
      RebindOutcome outcome = failing.getOrDefault(rebind.target(), new RebindOutcome(null, "", 0));
      if (outcome.done()) {
        kernel.accept(rebind);
      }
      outcomes.add(outcome);
    }
    return outcomes;
  }

  @Override
  public void readyNamespaceThreads(int count, Duration idleFor) {
    namespaceThreadsReadied = count;
  }
}
