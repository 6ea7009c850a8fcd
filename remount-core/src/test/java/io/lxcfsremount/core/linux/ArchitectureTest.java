package io.lxcfsremount.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each architecture's numbers, against the kernel's own: the uapi headers installed here
 * (linux-libc-dev) for x86_64 and for the generic table arm64 uses, and arm64's fcntl.h values.
 */
class ArchitectureTest {
  private static final Path X86_64_UNISTD =
      Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
  private static final Path GENERIC_UNISTD = Path.of("/usr/include/asm-generic/unistd.h");
  private static final Path GENERIC_FCNTL = Path.of("/usr/include/asm-generic/fcntl.h");

  @Test
  void x86_64_matchesTheKernelsTableAndFlags() throws Exception {
    assertThat(Architecture.X86_64.statx).isEqualTo(define(X86_64_UNISTD, "__NR_statx"));
    assertThat(Architecture.X86_64.directory).isEqualTo(define(GENERIC_FCNTL, "O_DIRECTORY"));
    assertThat(Architecture.X86_64.noFollow).isEqualTo(define(GENERIC_FCNTL, "O_NOFOLLOW"));
    assertThat(Architecture.X86_64.closeOnExec).isEqualTo(define(GENERIC_FCNTL, "O_CLOEXEC"));
    assertThat(Architecture.X86_64.path).isEqualTo(define(GENERIC_FCNTL, "O_PATH"));
  }

  @Test
  void aarch64_matchesTheGenericTable_andArm64sOwnDirectoryAndNoFollow() throws Exception {
    assertThat(Architecture.AARCH64.statx).isEqualTo(define(GENERIC_UNISTD, "__NR_statx"));
    // arch/arm64/include/uapi/asm/fcntl.h: O_DIRECTORY 040000, O_NOFOLLOW 0100000.
    assertThat(Architecture.AARCH64.directory).isEqualTo(040000);
    assertThat(Architecture.AARCH64.noFollow).isEqualTo(0100000);
    assertThat(Architecture.AARCH64.closeOnExec).isEqualTo(define(GENERIC_FCNTL, "O_CLOEXEC"));
    assertThat(Architecture.AARCH64.path).isEqualTo(define(GENERIC_FCNTL, "O_PATH"));
  }

  @Test
  void theMountApiHasOneNumberEverywhere() throws Exception {
    for (Path table : new Path[] {X86_64_UNISTD, GENERIC_UNISTD}) {
      assertThat(define(table, "__NR_open_tree")).isEqualTo(428);
      assertThat(define(table, "__NR_move_mount")).isEqualTo(429);
      assertThat(define(table, "__NR_pidfd_open")).isEqualTo(434);
      assertThat(define(table, "__NR_openat2")).isEqualTo(437);
      assertThat(define(table, "__NR_mount_setattr")).isEqualTo(442);
    }
  }

  @Test
  void javasNamesForTheArchitectures_andNoneForTheRest() {
    assertThat(Architecture.of("amd64")).contains(Architecture.X86_64);
    assertThat(Architecture.of("aarch64")).contains(Architecture.AARCH64);
    assertThat(Architecture.of("ppc64le")).isEmpty();
    assertThat(Architecture.unsupported("ppc64le"))
        .isEqualTo(
            "architecture ppc64le is not supported: lxcfs-remount knows the system calls of"
                + " x86_64 and aarch64 only");
  }

  /** The value of {@code #define NAME VALUE} in a kernel header (decimal, or octal with a 0). */
  private static long define(Path header, String name) throws Exception {
    Matcher match =
        Pattern.compile("#define\\s+" + name + "\\s+(0?)(\\d+)").matcher(Files.readString(header));
    assertThat(match.find()).as("%s in %s", name, header).isTrue();
    return Long.parseLong(match.group(2), match.group(1).isEmpty() ? 10 : 8);
  }
}
