package io.lxcfsremount.core.proc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The container a process belongs to, as its {@code /proc/PID/cgroup} names it. Runtimes put each
 * container in a cgroup named after its 64-hex-digit id, one path component:
 *
 * <ul>
 *   <li>cgroupfs driver: {@code /docker/ID}, kubelet's {@code /kubepods/burstable/podUID/ID},
 *       containerd's default {@code /k8s.io/ID}, CRI-O's {@code crio-ID};
 *   <li>systemd driver: {@code /system.slice/docker-ID.scope}, {@code cri-containerd-ID.scope},
 *       {@code crio-ID.scope}, podman's {@code libpod-ID.scope}.
 * </ul>
 *
 * <p>The last component that names an id wins, so that a container running inside another (docker
 * in docker, kind) is its own, and a cgroup the container made below its own ({@code
 * /docker/ID/init.scope} under a systemd in the container) still counts as the container's. Lines
 * of cgroup v1 hierarchies and the v2 line ({@code 0::}) are read alike; a line that names no id (a
 * hierarchy the runtime does not manage) says nothing, and lines that name different ids make the
 * answer unknown rather than a guess. CRI-O's {@code crio-conmon-ID.scope} holds its monitor
 * process, not the container, and names nothing.
 *
 * <p>It works on the file's bytes: the agent reads the cgroup of every process on the host in a JVM
 * that has just started, where a String and a regex per component cost more than the reads.
 */
public final class CgroupContainerId {
  private static final int ID_LENGTH = 64;
  private static final byte[] SCOPE = ascii(".scope");
  private static final byte[][] PREFIXES = {
    ascii("docker-"), ascii("cri-containerd-"), ascii("crio-"), ascii("libpod-")
  };

  private CgroupContainerId() {}

  /**
   * The container id that the lines of a {@code /proc/PID/cgroup} agree on, or empty when none
   * names one or they disagree.
   */
  public static Optional<String> parse(String procPidCgroup) {
    byte[] text = procPidCgroup.getBytes(StandardCharsets.UTF_8);
    return parse(text, text.length);
  }

  /** {@link #parse(String)} of the first {@code length} bytes of {@code text}. */
  public static Optional<String> parse(byte[] text, int length) {
    int found = -1;
    int lineStart = 0;
    while (lineStart < length) {
      int lineEnd = indexOf(text, (byte) '\n', lineStart, length);
      int id = idInLine(text, lineStart, lineEnd);
      if (id >= 0) {
        if (found >= 0
            && !Arrays.equals(text, found, found + ID_LENGTH, text, id, id + ID_LENGTH)) {
          return Optional.empty();
        }
        found = id;
      }
      lineStart = lineEnd + 1;
    }
    return found < 0
        ? Optional.empty()
        : Optional.of(new String(text, found, ID_LENGTH, StandardCharsets.US_ASCII));
  }

  /**
   * Where the id of a line {@code hierarchy-ID:controller-list:cgroup-path} starts, or -1. Only the
   * path may hold further colons.
   */
  private static int idInLine(byte[] text, int start, int end) {
    int first = indexOf(text, (byte) ':', start, end);
    int second = indexOf(text, (byte) ':', first + 1, end);
    if (second >= end) {
      return -1;
    }
    int componentEnd = end;
    while (componentEnd > second) {
      int componentStart = lastIndexOf(text, (byte) '/', componentEnd, second + 1) + 1;
      int id = idInComponent(text, componentStart, componentEnd);
      if (id >= 0) {
        return id;
      }
      componentEnd = componentStart - 1;
    }
    return -1;
  }

  /** Where the id of a component {@code [prefix-]ID[.scope]} starts, or -1. */
  private static int idInComponent(byte[] text, int start, int end) {
    if (endsWith(text, start, end, SCOPE)) {
      end -= SCOPE.length;
    }
    int id = end - ID_LENGTH;
    if (id < start || !isId(text, id)) {
      return -1;
    }
    if (id == start) {
      return id;
    }
    for (byte[] prefix : PREFIXES) {
      if (id - start == prefix.length && Arrays.equals(text, start, id, prefix, 0, prefix.length)) {
        return id;
      }
    }
    return -1;
  }

  private static boolean isId(byte[] text, int start) {
    for (int i = start; i < start + ID_LENGTH; i++) {
      byte b = text[i];
      if ((b < '0' || b > '9') && (b < 'a' || b > 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] text, int start, int end, byte[] suffix) {
    return end - start >= suffix.length
        && Arrays.equals(text, end - suffix.length, end, suffix, 0, suffix.length);
  }

  /** The first {@code b} in {@code [from, end)}, or {@code end}. */
  private static int indexOf(byte[] text, byte b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (text[i] == b) {
        return i;
      }
    }
    return end;
  }

  /** The last {@code b} in {@code [floor, before)}, or {@code floor - 1}. */
  private static int lastIndexOf(byte[] text, byte b, int before, int floor) {
    for (int i = before - 1; i >= floor; i--) {
      if (text[i] == b) {
        return i;
      }
    }
    return floor - 1;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
