package io.lxcfsremount.launcher;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.lxcfs.LxcfsWaiter;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.launcher.report.RuntimeDescription;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's parts, wired from the command line. Close it to release the runtimes' connections.
 */
final class AgentParts implements AutoCloseable {
  private final ProcFs proc = ProcFs.host();
  private final LinuxCalls linux = LinuxCalls.jnr();
  private final CommonOptions options;
  private final LxcfsLocator locator;
  private final Runtimes runtimes;
  private final Strategy strategy;

  /**
   * The parts of a command whose passes come later, or are waited for (watch, repair --wait).
   *
   * @throws UsageException for bad flags, or a runtime named by {@code --runtime} that does not
   *     answer
   */
  AgentParts(CommonOptions options) {
    this(options, false);
  }

  /**
   * The parts of a command whose one pass follows at once (repair, status): the runtimes are asked
   * for their containers as they connect, while the Linux calls load.
   *
   * @throws UsageException as {@link #AgentParts(CommonOptions)}
   */
  static AgentParts forPassAtOnce(CommonOptions options) {
    return new AgentParts(options, true);
  }

  private AgentParts(CommonOptions options, boolean askAhead) {
    this.options = options;
    if (options.lxcfsTimeout.value().isZero()) {
      throw new UsageException("--lxcfs-timeout must be longer than 0s");
    }
    this.locator =
        new LxcfsLocator(
            proc, lxcfsDir(options.lxcfsDir.value()), options.lxcfsTimeout.value(), linux);
    if (options.parallelism.value() < 1) {
      throw new UsageException(
          "--parallelism must be at least 1, not " + options.parallelism.value());
    }
    this.runtimes = Runtimes.start(options);
    if (askAhead) {
      runtimes.askAhead();
    }
    try {
      // Loading the Linux calls takes a fresh JVM a while; the runtimes connect meanwhile.
      this.strategy = options.strategy.value().resolve();
      runtimes.check();
    } catch (RuntimeException e) {
      runtimes.close();
      throw e;
    }
  }

  /** Where containers come from, for people: each runtime, then the /proc scan if it is used. */
  List<RuntimeDescription> sources() {
    return runtimes.sources(proc);
  }

  ProcFs proc() {
    return proc;
  }

  LinuxCalls linux() {
    return linux;
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
        runtimes.finder(proc),
        new Rebinder(strategy, linux),
        linux,
        options.parallelism.value(),
        Ticker.systemTicker(),
        Reconciler.CONTAINER_TIMEOUT);
  }

  /**
   * The folder as mountinfo shows it: absolute, normalized, and with symlinks resolved where the
   * agent sees its parent (on the host). A DaemonSet's agent sees no folder of the host at all:
   * there the path is the host's, as given. Only the parent is resolved: the folder itself may be a
   * dead FUSE mount that answers nothing.
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
      return path.toString();
    }
  }

  @Override
  public void close() {
    runtimes.close();
  }
}
