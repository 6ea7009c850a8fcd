package io.lxcfsremount.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountFlags.AccessTime;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

/** The flags of the mount being replaced, in the kernel's two encodings. */
class MountAttributesTest {
  private static final MountFlags DOCKER_READ_ONLY =
      new MountFlags(true, false, false, false, AccessTime.RELATIME, false);
  private static final MountFlags LXCFS_DEFAULT =
      new MountFlags(false, true, true, false, AccessTime.RELATIME, false);

  @Test
  void mountAttr_setsWhatTheOldMountHad_clearsTheRest_andMakesItPrivate() {
    Pointer attr = MountAttributes.mountAttr(DOCKER_READ_ONLY);

    assertThat(attr.getLong(0)).isEqualTo(0x1); // RDONLY, relatime (0)
    assertThat(attr.getLong(8))
        .isEqualTo(0x2 | 0x4 | 0x8 | 0x80 | 0x70); // nosuid nodev noexec nodiratime, atime
    assertThat(attr.getLong(16)).isEqualTo(1 << 18); // MS_PRIVATE
  }

  @Test
  void mountAttr_replacesTheAccessTimeModeAsAWhole() {
    MountFlags strict = new MountFlags(false, false, false, true, AccessTime.STRICTATIME, true);

    Pointer attr = MountAttributes.mountAttr(strict);

    assertThat(attr.getLong(0)).isEqualTo(0x8 | 0x20 | 0x80);
    assertThat(attr.getLong(8) & 0x70).isEqualTo(0x70);
  }

  @Test
  void msFlags_areTheBitsOfABindRemount() {
    assertThat(MountAttributes.msFlags(DOCKER_READ_ONLY)).isEqualTo(0x1 | 0x200000);
    assertThat(MountAttributes.msFlags(LXCFS_DEFAULT)).isEqualTo(0x2 | 0x4 | 0x200000);
  }
}
