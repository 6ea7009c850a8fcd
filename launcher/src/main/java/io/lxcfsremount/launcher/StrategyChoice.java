package io.lxcfsremount.launcher;

import io.lxcfsremount.core.linux.Linux;
import io.lxcfsremount.core.linux.Strategy;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --strategy}: auto (the best the kernel allows, probed when the agent starts, not while the
 * command line is parsed) or one strategy, by its name.
 *
 * @param forced the strategy named, or empty for auto
 */
record StrategyChoice(Optional<Strategy> forced) {
  static final StrategyChoice AUTO = new StrategyChoice(Optional.empty());

  boolean auto() {
    return forced.isEmpty();
  }

  /** The strategy to use: the one named, else the best this kernel allows. */
  Strategy resolve() {
    return forced.orElseGet(Linux::bestStrategy);
  }

  /** {@code auto} or the strategy's name, as it is written on the command line. */
  @Override
  public String toString() {
    return forced.map(Strategy::cliName).orElse("auto");
  }

  /** Reads {@code auto} or a strategy's name; anything else is a usage error. */
  static final class Converter implements ITypeConverter<StrategyChoice> {
    @Override
    public StrategyChoice convert(String value) {
      if (value.equals("auto")) {
        return AUTO;
      }
      try {
        return new StrategyChoice(Optional.of(Strategy.ofCliName(value)));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is not a strategy (expected auto, atomic-swap, detach-attach or classic)");
      }
    }
  }
}
