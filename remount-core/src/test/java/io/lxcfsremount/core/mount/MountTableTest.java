package io.lxcfsremount.core.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
  private static final String STACKED =
      """
      21 1 0:20 / / rw - ext4 /dev/sda1 rw
      22 21 0:21 / /proc rw - proc proc rw
      30 22 0:41 /proc/meminfo /proc/meminfo rw - fuse.lxcfs lxcfs rw
      31 30 0:42 /proc/meminfo /proc/meminfo rw - fuse.lxcfs lxcfs rw
      32 31 0:43 /proc/meminfo /proc/meminfo rw - fuse.lxcfs lxcfs rw
      33 22 0:41 /proc/uptime /proc/uptime rw - fuse.lxcfs lxcfs rw
      """;

  @Test
  void topMounts_hidesMountsStackedUnderAnotherAtTheSamePoint() throws Exception {
    MountTable table = MountTable.parse(STACKED, MountFilter.ALL);

    assertThat(table.topMounts()).extracting(MountInfo::mountId).containsExactly(21, 22, 32, 33);
    assertThat(table.topAt("/proc/meminfo").orElseThrow().device()).isEqualTo(new Device(0, 43));
  }

  @Test
  void topMounts_doesNotDependOnTheOrderOfLines() throws Exception {
    List<String> lines = new ArrayList<>(STACKED.lines().toList());
    Collections.reverse(lines);
    String reversed = String.join("\n", lines);

    assertThat(
            MountTable.parse(reversed, MountFilter.ALL)
                .topAt("/proc/meminfo")
                .orElseThrow()
                .mountId())
        .isEqualTo(32);
  }

  @Test
  void readOfAType_keepsItsMountsAndWhatSharesTheirMountPoints_only(@TempDir Path folder)
      throws Exception {
    Path mountinfo = folder.resolve("mountinfo");
    Files.writeString(
        mountinfo,
        STACKED
            + "40 33 0:22 /null /proc/uptime rw - tmpfs tmpfs rw\n"
            + "41 21 0:50 / /with\\040space rw - fuse.lxcfs lxcfs rw\n"
            + "42 41 0:51 / /with\\040space rw - tmpfs tmpfs rw\n");

    MountTable table = MountTable.read(mountinfo, MountFilter.ofType("fuse.lxcfs"));

    assertThat(table.mounts())
        .extracting(MountInfo::mountId)
        .containsExactlyInAnyOrder(30, 31, 32, 33, 41, 40, 42);
    assertThat(table.topAt("/proc/uptime").orElseThrow().fsType()).isEqualTo("tmpfs");
    assertThat(table.topAt("/with space").orElseThrow().mountId()).isEqualTo(42);
    assertThat(table.topAt("/proc/meminfo").orElseThrow().mountId()).isEqualTo(32);
  }

  @Test
  void readOfAType_findsOtherMountsAtAPointTheKernelEscaped(@TempDir Path folder) throws Exception {
    Path mountinfo = folder.resolve("mountinfo");
    Files.writeString(
        mountinfo,
        "21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
            + "50 21 0:50 /proc/meminfo /a\\011b\\134c\\012d rw - fuse.lxcfs lxcfs rw\n"
            + "51 50 0:51 / /a\\011b\\134c\\012d rw - tmpfs tmpfs rw\n"
            + "52 21 0:52 / /a\\011b rw - tmpfs tmpfs rw\n");

    MountTable table = MountTable.read(mountinfo, MountFilter.ofType("fuse.lxcfs"));

    assertThat(table.mounts()).extracting(MountInfo::mountId).containsExactly(50, 51);
    assertThat(table.topAt("/a\tb\\c\nd").orElseThrow().mountId()).isEqualTo(51);
  }

  @Test
  void read_takesATableLargerThanItsFirstBuffer_whole(@TempDir Path folder) throws Exception {
    StringBuilder text = new StringBuilder(STACKED);
    for (int id = 100; id < 2100; id++) {
      text.append(id)
          .append(" 21 0:60 / /var/lib/mount-")
          .append(id)
          .append(" rw - tmpfs tmpfs rw\n");
    }
    text.append("2100 21 0:44 /proc/stat /proc/stat rw - fuse.lxcfs lxcfs rw");
    Path mountinfo = folder.resolve("mountinfo");
    Files.writeString(mountinfo, text);

    assertThat(MountTable.read(mountinfo).mounts().size()).isEqualTo(2007);
    assertThat(MountTable.read(mountinfo, MountFilter.ofType("fuse.lxcfs")).count("fuse.lxcfs"))
        .isEqualTo(5);
  }

  @Test
  void readOfAType_isEmptyForATableWithoutThatType() throws Exception {
    String table = "21 1 0:20 / / rw - ext4 /dev/sda1 rw\n22 21 0:21 / /proc rw - proc proc rw\n";

    assertThat(MountTable.parse(table, MountFilter.ofType("fuse.lxcfs")).mounts()).isEmpty();
    assertThat(
            MountTable.parse(table, MountFilter.ofType("fuse.lxcfs").alsoAt(Set.of("/proc")))
                .mounts())
        .extracting(MountInfo::mountId)
        .containsExactly(22);
  }

  @Test
  void count_includesHiddenMounts() throws Exception {
    assertThat(MountTable.parse(STACKED, MountFilter.ALL).count("fuse.lxcfs")).isEqualTo(4);
  }

  @Test
  void topAt_isEmptyWhereNothingIsMounted() throws Exception {
    assertThat(MountTable.parse(STACKED, MountFilter.ALL).topAt("/proc/stat")).isEmpty();
  }
}
