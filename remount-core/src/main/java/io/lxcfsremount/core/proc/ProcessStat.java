package io.lxcfsremount.core.proc;

/**
 * What {@code /proc/PID/stat} tells of a process that the agent uses: its parent, and when it
 * started (clock ticks since boot).
 */
record ProcessStat(long pid, long parent, long startTime) {

  /**
   * Fields 4 and 22 of {@code /proc/PID/stat}, counted after the command name, which may hold
   * spaces and parentheses of its own (proc(5)).
   *
   * @throws IllegalArgumentException when {@code stat} is not such a line
   */
  static ProcessStat parse(long pid, String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 > stat.length()) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    String[] fields = stat.substring(close + 2).split(" ");
    if (fields.length < 20) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    return new ProcessStat(pid, Long.parseLong(fields[1]), Long.parseLong(fields[19]));
  }
}
