package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lxcfsremount.core.linux.Strategy;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class StrategyChoiceTest {
  private final StrategyChoice.Converter converter = new StrategyChoice.Converter();

  @Test
  void convert_readsAutoAndEveryStrategyByItsName() {
    assertThat(converter.convert("auto").auto()).isTrue();
    for (Strategy strategy : Strategy.values()) {
      StrategyChoice choice = converter.convert(strategy.cliName());
      assertThat(choice.auto()).isFalse();
      assertThat(choice.resolve()).isEqualTo(strategy);
    }
  }

  @Test
  void convert_rejectsAnythingElseWithTheNamesItKnows() {
    assertThatThrownBy(() -> converter.convert("atomic"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage(
            "'atomic' is not a strategy (expected auto, atomic-swap, detach-attach or classic)");
  }
}
