package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * scripts/systemd/install into private folders (PREFIX, UNIT_DIR): no systemd runs here, so it
 * installs without enabling or starting anything, and says so.
 */
class SystemdInstallIT {
  private Path root;
  private Path prefix;
  private Path units;

  @BeforeEach
  void folders() throws Exception {
    root = Files.createTempDirectory("lxcfs-remount-install");
    prefix = root.resolve("usr/local");
    units = root.resolve("etc/systemd/system");
  }

  @AfterEach
  void remove() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }

  @Test
  void install_putsTheCommandAndBothUnitsInPlace_pointingAtTheInstalledCommand() throws Exception {
    Programs.Result install = install();

    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(install.stdout())
        .contains("systemd does not run here: units installed, nothing enabled or started.");
    Path command = prefix.resolve("bin/lxcfs-remount");
    assertThat(Programs.run(command.toString(), "--version").stdout()).startsWith("lxcfs-remount ");
    assertThat(prefix.resolve("lib/lxcfs-remount/lxcfs-remount.jar")).isRegularFile();
    assertThat(
            SystemdUnits.setting(
                units.resolve("lxcfs.service.d/lxcfs-remount.conf"), "Service", "ExecStartPost"))
        .hasValue("-" + command + " repair --wait 30s");
    assertThat(SystemdUnits.setting(units.resolve("lxcfs-remount.service"), "Service", "ExecStart"))
        .hasValue(command + " watch --runtime auto");
  }

  @Test
  void installTwice_isTheSameAsOnce_andUninstallLeavesNothing() throws Exception {
    assertThat(install().exitCode()).isZero();
    List<String> once = tree();

    assertThat(install().exitCode()).isZero();
    assertThat(tree()).isEqualTo(once);

    Programs.Result uninstall = install("--uninstall");
    assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
    assertThat(tree()).allSatisfy(path -> assertThat(root.resolve(path)).isDirectory());
    assertThat(units.resolve("lxcfs.service.d")).doesNotExist();
  }

  private Programs.Result install(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                "PREFIX=" + prefix,
                "UNIT_DIR=" + units,
                LocalImage.repository().resolve("scripts/systemd/install").toString()));
    command.addAll(List.of(args));
    return Programs.run(command);
  }

  private List<String> tree() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.map(file -> root.relativize(file).toString()).sorted().toList();
    }
  }
}
