package io.lxcfsremount.launcher;

import io.lxcfsremount.core.LxcfsUnavailableException;
import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.report.ReconcileReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lxcfs-remount status}: a read-only report of every container's lxcfs mounts. */
@Command(
    name = "status",
    description = "Report every container's lxcfs mounts, healthy or stale. Changes nothing.",
    mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {

  @Mixin CommonOptions options;

  @Option(
      names = "--container",
      paramLabel = "ID_OR_NAME",
      description = "Only this container: id or id prefix, name, pod (namespace/name) or PID. Repeatable.")
  List<String> containers = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(options);
    Privileges.require("status", Privileges.CAP_SYS_PTRACE);
    ContainerFilter filter = new ContainerFilter(containers);
    ReconcileReport report;
    List<RuntimeDescription> runtimes;
    try (Agent agent = new Agent(options)) {
      report = agent.reconciler().run(Reconciler.Mode.STATUS, filter);
      runtimes = agent.sources().stream().map(RuntimeDescription::of).toList();
    } catch (LxcfsUnavailableException e) {
      return Main.fail(ExitCode.USAGE, e.getMessage());
    }
    int exit = Reports.print(report, runtimes, options.output, System.out);
    if (!filter.unmatched().isEmpty()) {
      return Main.fail(ExitCode.USAGE, "no running container matches --container " + String.join(", ", filter.unmatched()));
    }
    return exit;
  }
}
