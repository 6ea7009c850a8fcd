package io.lxcfsremount.launcher;

import com.google.common.collect.ImmutableMap;
import io.lxcfsremount.core.IncompletePassException;
import io.lxcfsremount.core.bounded.DaemonThreads;
import io.lxcfsremount.core.linux.Architecture;
import io.lxcfsremount.core.linux.Linux;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code lxcfs-remount} command line. Its commands are built in code, not declared with
 * picocli's annotations: reading those makes the JDK generate a class for each annotation type and
 * picocli reflect over every field and method, about 35 ms of a repair (README, Benchmarks).
 */
public final class Main implements Runnable {
  private static final String PREFIX = "lxcfs-remount: ";

  /**
   * The commands. Only the command named is built, none for the version alone, and all of them
   * otherwise (for the usage, and the suggestions for a misspelt one).
   */
  static final Map<String, Command> COMMANDS =
      ImmutableMap.of(
          "repair", new Command(() -> new RepairCommand().spec(), true),
          "status", new Command(() -> new StatusCommand().spec(), true),
          "watch", new Command(() -> new WatchCommand().spec(), true),
          "webhook", new Command(() -> new WebhookCommand().spec(), false));

  /**
   * A command: how to build it, and whether it makes Linux calls, for which jffi is then loaded on
   * a thread of its own as it starts. Not the webhook, which runs where jffi may not load (no
   * writable temp folder); nor --help, --version or a usage error, which would only wait for it.
   */
  record Command(Supplier<CommandSpec> spec, boolean makesLinuxCalls) {}

  /**
   * picocli's built-in converters of java.time and java.sql types, which no option uses (durations
   * have their own): picocli registers them by reflection, loading and initializing each class
   * (java.time's build their formatters), 17 ms of every start. Regular expressions, as picocli
   * reads them.
   */
  static final String UNUSED_CONVERTERS = "java\\.time\\..*,java\\.sql\\..*";

  /** This command as picocli sees it, for a usage error of its own. */
  private CommandSpec spec;

  public static void main(String[] args) {
    Command named = named(args);
    if (named != null && named.makesLinuxCalls()) {
      preloadLinuxCalls();
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  static int run(String... args) {
    String architecture = System.getProperty("os.arch");
    if (Architecture.of(architecture).isEmpty()) {
      return fail(ExitCode.USAGE, Architecture.unsupported(architecture));
    }
    System.setProperty("picocli.converters.excludes", UNUSED_CONVERTERS);
    CommandLine commandLine = new CommandLine(spec());
    Command named = named(args);
    if (named != null) {
      commandLine.addSubcommand(args[0], named.spec().get());
    } else if (!versionOnly(args)) {
      COMMANDS.forEach((name, command) -> commandLine.addSubcommand(name, command.spec().get()));
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(
        (e, arguments) -> fail(ExitCode.USAGE, e.getMessage() + hint(e)));
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // A runtime that --runtime named and that stopped answering after the start-up check.
          if (e instanceof UsageException || e instanceof IncompletePassException) {
            return fail(ExitCode.USAGE, e.getMessage());
          }
          LoggerFactory.getLogger(Main.class).debug("unexpected failure", e);
          return fail(ExitCode.UNEXPECTED, "unexpected failure: " + e);
        });
    try {
      return commandLine.execute(args);
    } catch (Error e) {
      // Errors (a native library that will not load, say) bypass picocli's handler.
      LoggerFactory.getLogger(Main.class).debug("unexpected failure", e);
      return fail(ExitCode.UNEXPECTED, "unexpected failure: " + rootCause(e));
    }
  }

  /** The command the first argument names; null for none. */
  private static Command named(String... args) {
    return args.length == 0 ? null : COMMANDS.get(args[0]);
  }

  /** {@code --version} or {@code -V} alone, which the top command answers by itself. */
  private static boolean versionOnly(String... args) {
    return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
  }

  /**
   * picocli's guesses for a misspelt command or option, else where to look. Only guesses that start
   * as the word typed: picocli offers its nearest names even for a word that is nothing like them.
   */
  private static String hint(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      String typed = unmatched.getUnmatched().get(0);
      List<String> likely =
          unmatched.getSuggestions().stream()
              .filter(suggestion -> sameStart(typed, suggestion))
              .toList();
      if (!likely.isEmpty()) {
        return "; did you mean " + String.join(" or ", likely) + "?";
      }
    }
    return " (see lxcfs-remount --help)";
  }

  private static boolean sameStart(String typed, String suggestion) {
    String word = typed.replaceFirst("^-+", "");
    String name = suggestion.replaceFirst("^-+", "");
    return word.length() >= 2 && name.startsWith(word.substring(0, 2));
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Loads jffi and the Linux calls while the command line is parsed and logging set up. */
  private static void preloadLinuxCalls() {
    DaemonThreads.start("preload", Linux::preload);
  }

  /** Prints {@code message} as the one line on stderr that explains a non-zero exit. */
  static int fail(int exitCode, String message) {
    System.err.println(PREFIX + message);
    return exitCode;
  }

  /** The top command, which only answers --help and --version; its commands are added to it. */
  static CommandSpec spec() {
    Main main = new Main();
    main.spec =
        CommandSpecs.of(
                main,
                "lxcfs-remount",
                "Re-binds dead lxcfs mounts inside running containers after lxcfs restarts.")
            .versionProvider(new Version());
    return main.spec;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: repair, status, watch, webhook");
  }

  /** The version Maven built, from the jar's resources. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/lxcfs-remount-version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"lxcfs-remount " + properties.getProperty("version", "unknown")};
    }
  }
}
