package io.lxcfsremount.core.testing;

import com.google.common.base.Ticker;
import io.lxcfsremount.core.CandidateFinder;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.Strategy;
import io.lxcfsremount.core.lxcfs.LxcfsLocator;
import io.lxcfsremount.core.proc.ProcFs;
import io.lxcfsremount.core.repair.Rebinder;
import io.lxcfsremount.core.runtime.ContainerRuntime;
import io.lxcfsremount.core.runtime.RuntimeCalls;
import java.util.List;

/** The reconcile pass wired as the agent wires it, on a test's own lxcfs and the real /proc. */
public final class TestReconciler {
  private TestReconciler() {}

  /**
   * @param runtimes where containers come from
   * @param includeUnclaimed whether the /proc scan adds namespaces no runtime claimed
   */
  public static Reconciler of(
      LxcfsProcess lxcfs,
      List<ContainerRuntime> runtimes,
      boolean includeUnclaimed,
      Strategy strategy) {
    return of(lxcfs, runtimes, includeUnclaimed, strategy, LinuxCalls.jnr());
  }

  /** As the agent wires it, but making its system calls through {@code linux}. */
  public static Reconciler of(
      LxcfsProcess lxcfs,
      List<ContainerRuntime> runtimes,
      boolean includeUnclaimed,
      Strategy strategy,
      LinuxCalls linux) {
    ProcFs proc = ProcFs.host();
    return new Reconciler(
        proc,
        new LxcfsLocator(
            proc, lxcfs.dir().toString(), LxcfsLocator.DEFAULT_TIMEOUT, LinuxCalls.jnr()),
        new CandidateFinder(proc, runtimes, includeUnclaimed, new RuntimeCalls()),
        new Rebinder(strategy, linux),
        linux,
        4,
        Ticker.systemTicker(),
        Reconciler.CONTAINER_TIMEOUT);
  }
}
