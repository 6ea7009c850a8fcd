package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds the lxcfs process that serves a folder: a process named {@code lxcfs} with the folder among
 * its arguments, the youngest if there are several (a restart overlaps the old one's exit). The
 * FUSE mount itself does not say which process serves it.
 */
public final class LxcfsProcessFinder {
  private final Path procRoot;

  public LxcfsProcessFinder(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** The PID of the lxcfs serving {@code dir}, if one runs. */
  public OptionalLong find(String dir) throws IOException {
    OptionalLong youngest = OptionalLong.empty();
    long youngestStart = -1;
    for (long pid : new ProcFs(procRoot).pids()) {
      Path process = procRoot.resolve(Long.toString(pid));
      try {
        if (Files.readString(process.resolve("comm")).strip().equals("lxcfs")
            && arguments(process).contains(dir)
            && startTime(process) > youngestStart) {
          youngest = OptionalLong.of(pid);
          youngestStart = startTime(process);
        }
      } catch (IOException | RuntimeException e) {
        // It exited while we looked: not the one.
      }
    }
    return youngest;
  }

  /** Field 22 of /proc/PID/stat, after the command name (which may hold spaces). */
  private static long startTime(Path process) throws IOException {
    String stat = Files.readString(process.resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[19]);
  }

  private static List<String> arguments(Path process) throws IOException {
    String cmdline =
        new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
    return Arrays.stream(cmdline.split("\0")).map(arg -> arg.replaceAll("/+$", "")).toList();
  }
}
