package io.lxcfsremount.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Errno;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls as {@link LibC} makes them through jffi, against this machine's kernel: each argument
 * reaches it (paths, structs it reads), what it writes comes back, and each failure keeps its own
 * errno. Nothing here needs a privilege or changes anything outside a temporary folder.
 */
class SyscallsIT {
  private static final int ELOOP = Errno.ELOOP.intValue();

  @TempDir Path folder;

  @Test
  void aFailedCall_leavesItsOwnErrno() {
    assertThat(Syscalls.open(folder.resolve("missing").toString(), Syscalls.O_RDONLY)).isNegative();
    assertThat(Syscalls.errno()).isEqualTo(Errnos.ENOENT);

    assertThat(Syscalls.close(-1)).isNegative();
    assertThat(Syscalls.errno()).isEqualTo(Errnos.EBADF);
  }

  @Test
  void aStructTheKernelFills_comesBack() throws Exception {
    int fd = Syscalls.open(folder.toString(), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY);
    assertThat(fd).isNotNegative();
    try {
      long device = Syscalls.deviceOf(fd, Syscalls.allocate(Syscalls.STATX_SIZE));

      // stat's st_dev, as the JDK reads it: the kernel's 32-bit encoding of major and minor.
      long dev = (Long) Files.getAttribute(folder, "unix:dev");
      long major = (dev >> 8) & 0xfff;
      long minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
      assertThat(device).isEqualTo(major << 32 | minor);
    } finally {
      Syscalls.close(fd);
    }
  }

  @Test
  void aStructTheKernelReads_reachesIt() throws Exception {
    Path link = Files.createSymbolicLink(folder.resolve("link"), folder);
    Pointer noLinks =
        Syscalls.openHow(Syscalls.O_PATH | Syscalls.O_CLOEXEC, Syscalls.RESOLVE_NO_SYMLINKS);

    assertThat(Syscalls.openat2(Syscalls.AT_FDCWD, link.toString(), noLinks)).isNegative();
    assertThat(Syscalls.errno()).isEqualTo(ELOOP);

    int fd =
        Syscalls.openat2(Syscalls.AT_FDCWD, link.toString(), Syscalls.openHow(Syscalls.O_PATH, 0));
    assertThat(fd).isNotNegative();
    Syscalls.close(fd);
  }

  @Test
  void bytesWritten_andReadBack_throughAHeapBuffer() {
    int fd = Syscalls.eventfd(Syscalls.EFD_CLOEXEC);
    assertThat(fd).isNotNegative();
    try {
      Pointer add = Syscalls.allocate(8);
      add.putLong(0, 42);
      assertThat(Syscalls.write(fd, add, 8)).isEqualTo(8);

      Pointer counter = Syscalls.allocate(8);
      assertThat(Syscalls.read(fd, counter, 8)).isEqualTo(8);
      assertThat(counter.getLong(0)).isEqualTo(42);
    } finally {
      Syscalls.close(fd);
    }
  }

  @Test
  void aStructNotFromItsStart_isRefused_notPassedAsTheWrongBytes() {
    int fd = Syscalls.eventfd(Syscalls.EFD_CLOEXEC);
    try {
      Pointer middle = Syscalls.allocate(16).slice(8);

      assertThatThrownBy(() -> Syscalls.read(fd, middle, 8))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      Syscalls.close(fd);
    }
  }
}
