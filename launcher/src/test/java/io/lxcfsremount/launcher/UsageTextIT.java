package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each command's {@code --help}, as the built jar prints it with no LXCFS_REMOUNT_* variable set,
 * against the text kept in {@code src/test/resources/usage}: an option lost, renamed or given
 * another default by a change of the code shows here, not at a user's. A change that means it
 * updates the text with it:
 *
 * <pre>java -cp launcher/target/lxcfs-remount.jar io.lxcfsremount.launcher.Main COMMAND --help \
 *   &gt; launcher/src/test/resources/usage/COMMAND.txt</pre>
 */
class UsageTextIT {

  @ParameterizedTest
  @ValueSource(strings = {"lxcfs-remount", "repair", "status", "watch", "webhook"})
  void helpOfEachCommand_isTheTextKeptForIt(String command) throws IOException {
    List<String> arguments = new ArrayList<>();
    if (!command.equals("lxcfs-remount")) {
      arguments.add(command);
    }
    arguments.add("--help");

    Programs.Result help = LxcfsRemountJar.run(arguments.toArray(String[]::new));

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .as(
            "%s --help (update src/test/resources/usage/%s.txt if the change is meant)",
            command, command)
        .isEqualTo(kept(command));
  }

  private static String kept(String command) throws IOException {
    try (InputStream in = UsageTextIT.class.getResourceAsStream("/usage/" + command + ".txt")) {
      assertThat(in).as("src/test/resources/usage/%s.txt", command).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
