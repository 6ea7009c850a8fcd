package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** What Main sets up before picocli reads the command line. */
class MainTest {

  @Test
  void theConvertersPicocliIsToldToLeaveOut_areOfTypesNoOptionHasWithoutItsOwn() {
    List<String> leftOut = Arrays.asList(Main.UNUSED_CONVERTERS.split(","));
    List<String> needingOne = new ArrayList<>();
    List<CommandSpec> commands = new ArrayList<>(List.of(Main.spec()));
    Main.COMMANDS.values().forEach(command -> commands.add(command.spec().get()));
    for (CommandSpec command : commands) {
      for (ArgSpec arg : command.args()) {
        for (Class<?> type : arg.auxiliaryTypes()) {
          if (arg.converters().length == 0 && leftOut.stream().anyMatch(type.getName()::matches)) {
            needingOne.add(arg + " (" + type.getName() + ")");
          }
        }
      }
    }

    assertThat(leftOut).contains("java\\.time\\..*");
    assertThat(needingOne).isEmpty();
  }

  @Test
  void theCommandLine_tellsPicocliToLeaveThemOut() {
    Main.run("--version");

    assertThat(System.getProperty("picocli.converters.excludes")).isEqualTo(Main.UNUSED_CONVERTERS);
  }
}
