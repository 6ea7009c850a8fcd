package io.lxcfsremount.core.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Namespace threads given up on while they were stuck in a container (a FUSE filesystem of its own
 * that never answers), by the process whose namespace they entered. While one is stuck there, no
 * other thread goes in: a hostile container holds at most one thread, however often it is retried.
 */
final class AbandonedNamespaceThreads {
  private static final Map<Long, Thread> STUCK = new ConcurrentHashMap<>();

  private AbandonedNamespaceThreads() {}

  static void add(Fd pidfd, Thread thread) {
    STUCK.put(pidOf(pidfd), thread);
  }

  /** Whether a thread abandoned in the namespace of the process behind {@code pidfd} is stuck. */
  static boolean stillStuckIn(Fd pidfd) {
    return count() > 0 && STUCK.containsKey(pidOf(pidfd));
  }

  /** How many abandoned threads are still stuck. */
  static int count() {
    STUCK.values().removeIf(thread -> !thread.isAlive());
    return STUCK.size();
  }

  /** The PID a pidfd refers to, from its fdinfo (proc(5), "Pid:"); -1 if it cannot be read. */
  private static long pidOf(Fd pidfd) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + pidfd.number()))) {
        if (line.startsWith("Pid:")) {
          return Long.parseLong(line.substring(4).strip());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not a pidfd we can name: key it apart from every process.
    }
    return -1;
  }
}
