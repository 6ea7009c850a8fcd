package io.lxcfsremount.core.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {

  @Test
  void parse_readsEveryFieldOfAnLxcfsBindFromARealDockerContainer() throws Exception {
    MountInfo meminfo = fixture("docker-container.txt").topAt("/proc/meminfo").orElseThrow();

    assertThat(meminfo)
        .isEqualTo(
            new MountInfo(
                106,
                90,
                new Device(0, 41),
                "/proc/meminfo",
                "/proc/meminfo",
                "ro,relatime",
                List.of(),
                "fuse.lxcfs",
                "lxcfs",
                "rw,user_id=0,group_id=0,allow_other"));
    assertThat(meminfo.major()).isZero();
    assertThat(meminfo.minor()).isEqualTo(41);
  }

  @Test
  void parse_keepsEveryOptionalField() throws Exception {
    MountInfo mount = fixture("hostile.txt").mounts().get(1);

    assertThat(mount.optionalFields()).containsExactly("shared:5", "master:3", "propagate_from:2");
    assertThat(mount.fsType()).isEqualTo("fuse.lxcfs");
  }

  @Test
  void parse_unescapesOctalEscapesInPaths() throws Exception {
    MountTable table = fixture("hostile.txt");

    assertThat(table.mounts().get(1).mountPoint()).isEqualTo("/with space/meminfo");
    assertThat(table.mounts().get(2).mountPoint()).isEqualTo("/mnt/empty\ttab\nnewline\\backslash");
  }

  @Test
  void parse_acceptsAnEmptySource() throws Exception {
    MountInfo mount = fixture("hostile.txt").mounts().get(2);

    assertThat(mount.source()).isEmpty();
    assertThat(mount.fsType()).isEqualTo("tmpfs");
    assertThat(mount.superOptions()).isEqualTo("rw");
  }

  @Test
  void parse_rejectsALineWithoutTheSeparator() {
    assertThatThrownBy(
            () -> MountInfo.parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed mountinfo line");
  }

  @Test
  void parse_rejectsABadDeviceNumber() {
    assertThatThrownBy(() -> MountInfo.parse("36 35 98 /mnt1 /mnt2 rw - ext3 /dev/root rw"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hasOption_matchesWholeOptionsOnly() {
    MountInfo mount = MountInfo.parse("1 0 0:1 / / ro,nosuid,relatime - tmpfs none rw");

    assertThat(mount.hasOption("ro")).isTrue();
    assertThat(mount.hasOption("nosuid")).isTrue();
    assertThat(mount.hasOption("atime")).isFalse();
    assertThat(mount.hasOption("rw")).isFalse();
  }

  static MountTable fixture(String name) throws Exception {
    try (var in = MountInfoTest.class.getResourceAsStream("/mountinfo/" + name)) {
      return MountTable.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), MountFilter.ALL);
    }
  }
}
