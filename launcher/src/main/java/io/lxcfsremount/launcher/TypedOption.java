package io.lxcfsremount.launcher;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option built in code ({@link Main}), its value of the type picocli is told to convert it to:
 * the one place that says both, so that they cannot differ.
 */
final class TypedOption<T> {
  private final OptionSpec spec;

  private TypedOption(OptionSpec spec) {
    this.spec = spec;
  }

  /** The option {@code builder} describes, its value a {@code type}. */
  static <T> TypedOption<T> of(Class<T> type, OptionSpec.Builder builder) {
    return new TypedOption<>(builder.type(type).build());
  }

  /** The option {@code builder} describes, given any number of times, each value a {@code type}. */
  static <T> TypedOption<List<T>> repeatable(Class<T> type, OptionSpec.Builder builder) {
    return new TypedOption<>(builder.type(List.class).auxiliaryTypes(type).build());
  }

  static void addTo(CommandSpec command, TypedOption<?>... options) {
    for (TypedOption<?> option : options) {
      command.addOption(option.spec);
    }
  }

  /** The option as picocli parses it. */
  OptionSpec spec() {
    return spec;
  }

  /** What the command line gave, else the option's default; null when it has neither. */
  T value() {
    return spec.getValue();
  }
}
