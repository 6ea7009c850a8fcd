package io.lxcfsremount.launcher;

import io.lxcfsremount.core.Reconciler;
import io.lxcfsremount.core.lxcfs.Lxcfs;
import io.lxcfsremount.core.lxcfs.LxcfsUnavailableException;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.launcher.logging.Logging;
import io.lxcfsremount.launcher.report.Reports;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code lxcfs-remount repair}: one pass that re-binds every dead lxcfs mount. */
final class RepairCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RepairCommand.class);

  private final CommonOptions options = new CommonOptions();

  private final TypedOption<Boolean> dryRun =
      TypedOption.of(
          boolean.class,
          OptionSpec.builder("--dry-run")
              .defaultValue("${env:LXCFS_REMOUNT_DRY_RUN:-false}")
              .description(
                  "Report what would be repaired; change nothing (env LXCFS_REMOUNT_DRY_RUN)."));

  private final TypedOption<Duration> wait =
      TypedOption.of(
          Duration.class,
          OptionSpec.builder("--wait")
              .paramLabel("DURATION")
              .defaultValue("${env:LXCFS_REMOUNT_WAIT:-0s}")
              .description(
                  "First wait up to DURATION for a healthy lxcfs, e.g. 30s as systemd ExecStartPost= of"
                      + " lxcfs.service (default: ${DEFAULT-VALUE}; env LXCFS_REMOUNT_WAIT)."));

  private final ContainerSelection selection = new ContainerSelection();

  /** The command, built in code ({@link Main#COMMANDS}). */
  CommandSpec spec() {
    CommandSpec command =
        CommandSpecs.of(
            this, "repair", "Re-bind every dead lxcfs mount in every running container, once.");
    options.addTo(command);
    TypedOption.addTo(command, dryRun, wait);
    selection.addTo(command);
    return command;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(options.logging());
    if (dryRun.value()) {
      Privileges.require("repair --dry-run", Privileges.CAP_SYS_PTRACE);
    } else {
      Privileges.require(
          "repair", Privileges.CAP_SYS_ADMIN, Privileges.CAP_SYS_CHROOT, Privileges.CAP_SYS_PTRACE);
    }
    try (AgentParts agent =
        wait.value().isZero() ? AgentParts.forPassAtOnce(options) : new AgentParts(options)) {
      return repair(agent);
    }
  }

  private int repair(AgentParts agent) throws Exception {
    Duration wait = this.wait.value();
    if (!wait.isZero()) {
      Optional<Lxcfs> lxcfs = agent.waiter().awaitHealthy(wait);
      if (lxcfs.filter(Lxcfs::healthy).isEmpty()) {
        return Main.fail(
            ExitCode.NO_LXCFS,
            "no healthy lxcfs at "
                + agent.locator().dir()
                + " within "
                + wait.toMillis()
                + " ms"
                + lxcfs.map(RepairCommand::lastSeen).orElse(""));
      }
      log.info(
          "lxcfs at {} is healthy, generation {}", lxcfs.get().dir(), lxcfs.get().generation());
    }
    ContainerFilter filter = selection.filter();
    ReconcileReport report;
    try {
      report =
          agent
              .reconciler()
              .run(dryRun.value() ? Reconciler.Mode.DRY_RUN : Reconciler.Mode.REPAIR, filter);
    } catch (LxcfsUnavailableException e) {
      return Main.fail(e.mounted() ? ExitCode.NO_LXCFS : ExitCode.USAGE, e.getMessage());
    }
    Reports.print(report, options.output.value(), System.out);
    return filter.exitCode(ExitCode.of(report));
  }

  private static String lastSeen(Lxcfs lxcfs) {
    return (lxcfs.answering() ? ", last seen dead: " : ", last seen not answering: ")
        + lxcfs.problem();
  }
}
