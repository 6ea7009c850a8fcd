package io.lxcfsremount.launcher.agent;

import io.lxcfsremount.core.IncompletePassException;
import io.lxcfsremount.core.report.ContainerReport;
import io.lxcfsremount.core.report.MountReport;
import io.lxcfsremount.core.report.MountState;
import io.lxcfsremount.core.report.ReconcileReport;
import io.lxcfsremount.core.watch.WatchListener;
import io.lxcfsremount.launcher.report.TableReport;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per pass with counts and milliseconds; each failure at warn, each skip with its
 * reason at info, details at debug.
 */
public final class PassLog implements WatchListener {
  private static final Logger log = LoggerFactory.getLogger("io.lxcfsremount.watch");

  @Override
  public void passCompleted(ReconcileReport report, Duration recovery) {
    String line =
        TableReport.summary(report)
            + (recovery == null ? "" : ", recovered in " + recovery.toMillis() + " ms");
    if (report.summary().nothingDead()) {
      log.info("repair pass: {}", line);
    } else {
      log.warn("repair pass: {}", line);
    }
    report.warnings().forEach(warning -> log.warn("{}", warning));
    for (ContainerReport container : report.containers()) {
      String name = TableReport.displayName(container.candidate().container());
      if (container.failed() != null) {
        log.warn("{} (pid {}): {}", name, container.candidate().pid(), container.failed());
      }
      for (MountReport mount : container.mounts()) {
        if (mount.state() == MountState.FAILED) {
          log.warn(
              "{} (pid {}) {}: {}",
              name,
              container.candidate().pid(),
              mount.target(),
              mount.reason());
        } else if (mount.state() == MountState.SKIPPED) {
          log.info(
              "{} (pid {}) {}: skipped, {}",
              name,
              container.candidate().pid(),
              mount.target(),
              mount.reason());
        } else if (mount.state() != MountState.HEALTHY) {
          log.debug(
              "{} (pid {}) {}: {}",
              name,
              container.candidate().pid(),
              mount.target(),
              mount.state().label());
        }
      }
    }
  }

  @Override
  public void passFailed(Exception cause) {
    // A runtime that stopped answering is a routine outcome whose message says it all.
    log.warn(
        "repair pass could not run: {}",
        cause instanceof IncompletePassException ? cause.getMessage() : cause.toString());
  }
}
