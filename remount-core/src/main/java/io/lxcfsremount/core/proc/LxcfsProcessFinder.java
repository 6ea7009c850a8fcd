package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the lxcfs process that serves a folder: a process named {@code lxcfs} with the folder among
 * its arguments, the youngest if there are several (a restart overlaps the old one's exit, and a
 * rolling update starts the new lxcfs before the old one stops). The FUSE mount itself does not say
 * which process serves it.
 *
 * <p>lxcfs forks short-lived copies of itself, same name and arguments, to learn a reader's init
 * PID through its PID namespace. They are never the server: a match whose parent also matches is
 * skipped, or the agent would pin a process that exits a moment later and take that for lxcfs
 * stopping.
 */
public final class LxcfsProcessFinder {
  /** lxcfs's {@code comm}: its name and a newline. */
  private static final byte[] COMMAND = "lxcfs\n".getBytes(StandardCharsets.US_ASCII);

  private final Path procRoot;

  public LxcfsProcessFinder(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** The PID of the lxcfs serving {@code dir}, if one runs. */
  public OptionalLong find(String dir) throws IOException {
    List<Long> serving = serving(dir);
    return serving.isEmpty() ? OptionalLong.empty() : OptionalLong.of(serving.get(0));
  }

  /**
   * The PIDs of every lxcfs serving {@code dir}, youngest first. Every process's {@code comm} is
   * read, through one reused buffer and compared as bytes: on a node of thousands of processes this
   * is the costly part of locating lxcfs.
   */
  public List<Long> serving(String dir) throws IOException {
    ProcessFiles files = new ProcessFiles(procRoot);
    List<ProcessStat> matches = new ArrayList<>();
    for (long pid : new ProcFs(procRoot).pids()) {
      // A process that exits while we look is not the one: its files read as gone.
      if (isLxcfs(files, pid) && arguments(files, pid).contains(dir)) {
        files.stat(pid).ifPresent(matches::add);
      }
    }
    Set<Long> pids = matches.stream().map(ProcessStat::pid).collect(Collectors.toSet());
    return matches.stream()
        .filter(match -> !pids.contains(match.parent()))
        .sorted(Comparator.comparingLong(ProcessStat::startTime).reversed())
        .map(ProcessStat::pid)
        .toList();
  }

  private static boolean isLxcfs(ProcessFiles files, long pid) {
    int length = files.read(pid, "comm");
    return length == COMMAND.length
        && Arrays.equals(files.bytes(), 0, length, COMMAND, 0, COMMAND.length);
  }

  private static List<String> arguments(ProcessFiles files, long pid) {
    int length = files.read(pid, "cmdline");
    if (length <= 0) {
      return List.of();
    }
    String cmdline = new String(files.bytes(), 0, length, StandardCharsets.UTF_8);
    return Arrays.stream(cmdline.split("\0")).map(arg -> arg.replaceAll("/+$", "")).toList();
  }
}
