package io.lxcfsremount.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The systemd units of scripts/systemd, read as systemd reads the few settings the tests need: a
 * setting of a section, and a command line with its special prefixes (systemd.service(5)).
 */
final class SystemdUnits {
  static final String INSTALLED_COMMAND = "/usr/local/bin/lxcfs-remount";

  private SystemdUnits() {}

  static Path folder() {
    return LocalImage.repository().resolve("scripts/systemd");
  }

  static Path dropIn() {
    return folder().resolve("lxcfs.service.d/lxcfs-remount.conf");
  }

  static Path watchService() {
    return folder().resolve("lxcfs-remount.service");
  }

  /** The value of {@code key} in {@code [section]} (the last one, as systemd keeps the last). */
  static Optional<String> setting(Path unit, String section, String key) throws IOException {
    String current = null;
    String value = null;
    for (String line : Files.readAllLines(unit)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
        current = trimmed.substring(1, trimmed.length() - 1);
      } else if (section.equals(current) && trimmed.startsWith(key + "=")) {
        value = trimmed.substring(key.length() + 1);
      }
    }
    return Optional.ofNullable(value);
  }

  /**
   * A command line setting (ExecStart=, ExecStartPost=) as the words systemd runs: without its
   * prefixes ("-" ignores the exit code, "@", "+", "!", "!!", ":" change how it runs), split at
   * spaces. Quoting and variables are not used by these units, and refused here.
   */
  static List<String> commandLine(String value) {
    String command = value;
    while (!command.isEmpty() && "-@+!:".indexOf(command.charAt(0)) >= 0) {
      command = command.substring(1);
    }
    if (command.contains("\"")
        || command.contains("'")
        || command.contains("$")
        || command.contains("%")) {
      throw new IllegalArgumentException(
          "quoting, variables and specifiers are not read here: " + value);
    }
    return new ArrayList<>(Arrays.asList(command.strip().split("\\s+")));
  }

  /**
   * The command line with the installed command replaced by the repository's scripts/lxcfs-remount.
   */
  static List<String> fromTheRepository(List<String> command) {
    if (!command.get(0).equals(INSTALLED_COMMAND)) {
      throw new IllegalArgumentException(
          "expected " + INSTALLED_COMMAND + ", not " + command.get(0));
    }
    List<String> replaced = new ArrayList<>(command);
    replaced.set(0, LocalImage.repository().resolve("scripts/lxcfs-remount").toString());
    return replaced;
  }
}
