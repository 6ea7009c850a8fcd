package io.lxcfsremount.launcher;

import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.lxcfs.LxcfsNotAnsweringException;
import io.lxcfsremount.core.lxcfs.LxcfsUnavailableException;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.launcher.logging.Logging;
import io.lxcfsremount.launcher.report.Reports;
import io.lxcfsremount.launcher.report.RuntimeDescription;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lxcfs-remount status}: a read-only report of every container's lxcfs mounts. */
final class StatusCommand implements Callable<Integer> {
  private final CommonOptions options = new CommonOptions();

  private final ContainerSelection selection = new ContainerSelection();

  /** The command, built in code ({@link Main#COMMANDS}). */
  CommandSpec spec() {
    CommandSpec command =
        CommandSpecs.of(
            this,
            "status",
            "Report every container's lxcfs mounts, healthy or stale. Changes nothing.");
    options.addTo(command);
    selection.addTo(command);
    return command;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(options.logging());
    Privileges.require("status", Privileges.CAP_SYS_PTRACE);
    ContainerFilter filter = selection.filter();
    ReconcileReport report;
    List<RuntimeDescription> runtimes;
    try (AgentParts agent = AgentParts.forPassAtOnce(options)) {
      report = agent.reconciler().run(Reconciler.Mode.STATUS, filter);
      runtimes = agent.sources();
    } catch (LxcfsNotAnsweringException e) {
      return Main.fail(ExitCode.NO_LXCFS, e.getMessage());
    } catch (LxcfsUnavailableException e) {
      return Main.fail(ExitCode.USAGE, e.getMessage());
    }
    Reports.print(report, runtimes, options.output.value(), System.out);
    return filter.exitCode(ExitCode.of(report));
  }
}
