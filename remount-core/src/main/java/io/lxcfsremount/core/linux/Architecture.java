package io.lxcfsremount.core.linux;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The numbers that differ between the architectures the agent runs on: the statx system call and
 * the open flags. The mount API's calls (open_tree 428, move_mount 429, pidfd_open 434, openat2
 * 437, mount_setattr 442) came after the tables were unified, and have the same number everywhere.
 */
public enum Architecture {
  /** arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/asm-generic/fcntl.h. */
  X86_64(List.of("amd64", "x86_64"), 332, 0x10000, 0x20000, 0x80000, 0x200000),
  /**
   * include/uapi/asm-generic/unistd.h (arm64 uses the generic table); arch/arm64/include/uapi/asm/
   * fcntl.h moves O_DIRECTORY and O_NOFOLLOW.
   */
  AARCH64(List.of("aarch64", "arm64"), 291, 0x4000, 0x8000, 0x80000, 0x200000);

  private final List<String> names;
  final long statx;
  final int directory;
  final int noFollow;
  final int closeOnExec;
  final int path;

  Architecture(
      List<String> names, long statx, int directory, int noFollow, int closeOnExec, int path) {
    this.names = names;
    this.statx = statx;
    this.directory = directory;
    this.noFollow = noFollow;
    this.closeOnExec = closeOnExec;
    this.path = path;
  }

  /** The architecture Java calls {@code osArch} ({@code os.arch}), if the agent has its table. */
  public static Optional<Architecture> of(String osArch) {
    String name = osArch.toLowerCase(Locale.ROOT);
    for (Architecture architecture : values()) {
      if (architecture.names.contains(name)) {
        return Optional.of(architecture);
      }
    }
    return Optional.empty();
  }

  /** This machine's, if the agent has its table. */
  public static Optional<Architecture> current() {
    return of(System.getProperty("os.arch"));
  }

  /** Why the agent cannot run on {@code osArch}, in one line. */
  public static String unsupported(String osArch) {
    return "architecture "
        + osArch
        + " is not supported: lxcfs-remount knows the system calls of x86_64 and aarch64 only";
  }
}
