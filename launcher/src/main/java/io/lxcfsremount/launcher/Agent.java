package io.lxcfsremount.launcher;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.CandidateFinder;
import io.lxcfsremount.core.ContainerRuntime;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsWaiter;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.proc.ProcScanRuntime;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.launcher.CommonOptions.RuntimeChoice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The agent's parts, wired from the command line. */
final class Agent {
  private final ProcFs proc = ProcFs.host();
  private final CommonOptions options;
  private final LxcfsLocator locator;
  private final List<ContainerRuntime> runtimes;

  Agent(CommonOptions options) {
    this.options = options;
    this.locator = new LxcfsLocator(proc, lxcfsDir(options.lxcfsDir));
    if (options.parallelism < 1) {
      throw new UsageException("--parallelism must be at least 1, not " + options.parallelism);
    }
    this.runtimes = runtimes(options);
  }

  LxcfsLocator locator() {
    return locator;
  }

  LxcfsWaiter waiter() {
    return new LxcfsWaiter(proc, locator, Ticker.systemTicker());
  }

  Reconciler reconciler() {
    return new Reconciler(
        proc,
        locator,
        candidateFinder(),
        new Rebinder(strategy()),
        options.parallelism,
        Ticker.systemTicker());
  }

  private CandidateFinder candidateFinder() {
    return new CandidateFinder(proc, runtimes, scansProc());
  }

  /** Whether the /proc scan adds the mount namespaces that no runtime claimed. */
  private boolean scansProc() {
    return options.runtime == RuntimeChoice.PROC || options.runtime == RuntimeChoice.AUTO;
  }

  /**
   * The runtimes asked for containers. One asked for by name must answer now, so that a wrong
   * endpoint fails the command before it waits for lxcfs or looks at anything.
   */
  private static List<ContainerRuntime> runtimes(CommonOptions options) {
    return switch (options.runtime) {
      case PROC -> List.of();
      case CRI -> List.of(CriRuntimes.required(options.criEndpoint));
      case AUTO -> CriRuntimes.available(options.criEndpoint);
      case DOCKER -> throw new UsageException("--runtime docker is not available yet; use proc");
    };
  }

  /** Where containers come from, for people: each runtime, then the /proc scan if it is used. */
  List<ContainerRuntime> sources() {
    List<ContainerRuntime> sources = new ArrayList<>(runtimes);
    if (scansProc()) {
      sources.add(new ProcScanRuntime(proc));
    }
    return sources;
  }

  private Strategy strategy() {
    if (options.strategy.equals("auto")) {
      return Linux.bestStrategy();
    }
    try {
      return Strategy.ofCliName(options.strategy);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--strategy: " + e.getMessage());
    }
  }

  /**
   * The folder as mountinfo shows it: absolute, normalized, symlinks resolved. Only the parent is
   * resolved: the folder itself may be a dead FUSE mount that answers nothing.
   */
  private static String lxcfsDir(String dir) {
    Path path = Path.of(dir).toAbsolutePath().normalize();
    Path parent = path.getParent();
    if (parent == null) {
      throw new UsageException("--lxcfs-dir cannot be /");
    }
    try {
      return parent.toRealPath().resolve(path.getFileName()).toString();
    } catch (IOException e) {
      throw new UsageException("--lxcfs-dir " + dir + ": " + e.getMessage() + " does not exist", e);
    }
  }
}
