package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void convert_readsTheUnitsPeopleWrite() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("0s")).isZero();
  }

  @Test
  void convert_rejectsAnythingElseWithTheExpectedForm() {
    assertThatThrownBy(() -> converter.convert("30"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'30' is not a duration (expected e.g. 500ms, 30s, 2m, 1h)");
    assertThatThrownBy(() -> converter.convert("-1s")).isInstanceOf(TypeConversionException.class);
  }
}
