package io.lxcfsremount.launcher;

import io.lxcfsremount.launcher.agent.ListenAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option built in code ({@link Main}), its value of the type picocli is told to convert it to:
 * the one place that says both, so that they cannot differ. A type this project reads its own way
 * is always converted by its own converter.
 */
final class TypedOption<T> {
  /**
   * The converters of the types read as people write them: durations ({@code 30s}), listen
   * addresses ({@code 127.0.0.1:9477}), re-bind strategies ({@code atomic-swap}). picocli is told
   * to leave out its own converters of java.time types ({@link Main#UNUSED_CONVERTERS}).
   */
  private static final Map<Class<?>, ITypeConverter<?>> OWN_CONVERTERS =
      Map.of(
          Duration.class, new DurationConverter(),
          InetSocketAddress.class, new ListenAddress(),
          StrategyChoice.class, new StrategyChoice.Converter());

  private final OptionSpec spec;

  private TypedOption(OptionSpec spec) {
    this.spec = spec;
  }

  /** The option {@code builder} describes, its value a {@code type}. */
  static <T> TypedOption<T> of(Class<T> type, OptionSpec.Builder builder) {
    ITypeConverter<?> own = OWN_CONVERTERS.get(type);
    if (own != null) {
      builder.converters(own);
    }
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
