package io.lxcfsremount.core.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Finds the lxcfs process that serves a folder: a process named {@code lxcfs} with the folder among
 * its arguments. The FUSE mount itself does not say which process serves it.
 */
public final class LxcfsProcessFinder {
  private final Path procRoot;

  public LxcfsProcessFinder(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** The PID of the lxcfs serving {@code dir}, if one runs. */
  public OptionalLong find(String dir) throws IOException {
    for (long pid : new ProcFs(procRoot).pids()) {
      Path process = procRoot.resolve(Long.toString(pid));
      try {
        if (Files.readString(process.resolve("comm")).strip().equals("lxcfs")
            && arguments(process).contains(dir)) {
          return OptionalLong.of(pid);
        }
      } catch (IOException e) {
        // It exited while we looked: not the one.
      }
    }
    return OptionalLong.empty();
  }

  private static java.util.List<String> arguments(Path process) throws IOException {
    String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
    return Arrays.stream(cmdline.split("\0")).map(arg -> arg.replaceAll("/+$", "")).toList();
  }
}
