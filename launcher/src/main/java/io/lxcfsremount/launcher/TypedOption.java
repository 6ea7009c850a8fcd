package io.lxcfsremount.launcher;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option built in code ({@link Main}), with its value typed as the field that holds it says.
 *
 * @param spec the option as picocli parses it
 */
record TypedOption<T>(OptionSpec spec) {

  static void addTo(CommandSpec command, TypedOption<?>... options) {
    for (TypedOption<?> option : options) {
      command.addOption(option.spec());
    }
  }

  /** What the command line gave, else the option's default; null when it has neither. */
  T value() {
    return spec.getValue();
  }
}
