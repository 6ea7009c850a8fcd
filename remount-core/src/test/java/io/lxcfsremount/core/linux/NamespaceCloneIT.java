package io.lxcfsremount.core.linux;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.mount.MountFlags;
import io.lxcfsremount.core.mount.MountTable;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clones of the files of an lxcfs that only its own process's mount namespace shows, as a DaemonSet
 * pod's lxcfs is to the agent: made in one visit per container by a namespace worker that goes home
 * and serves the next, each clone on the live lxcfs, a failure confined to its own file.
 */
@RequiresReal(LXCFS)
class NamespaceCloneIT {
  private static final MountFlags READ_ONLY =
      new MountFlags(true, true, true, false, MountFlags.AccessTime.RELATIME, false);
  private static final MountFlags READ_WRITE =
      new MountFlags(false, true, true, false, MountFlags.AccessTime.RELATIME, false);

  private LxcfsProcess lxcfs;
  private int home;

  @BeforeEach
  void start() throws Exception {
    lxcfs = LxcfsProcess.startIsolated();
    home = Syscalls.open("/proc/self/ns/mnt", Syscalls.O_CLOEXEC);
  }

  @AfterEach
  void stop() throws Exception {
    Syscalls.close(home);
    lxcfs.close();
  }

  @Test
  void oneWorker_clonesEachContainersFiles_onTheLiveLxcfs_andGoesHome() throws Exception {
    NamespaceWorkers workers = new NamespaceWorkers(home);
    List<MountToClone> mounts =
        List.of(
            new MountToClone(lxcfs.file("proc/meminfo").toString(), READ_ONLY),
            new MountToClone(lxcfs.file("proc/no-such-file").toString(), READ_ONLY),
            new MountToClone(lxcfs.file("proc/uptime").toString(), READ_WRITE));
    MountTable before = MountTable.read(Path.of("/proc/self/mountinfo"));
    assertThat(before.mounts()).noneMatch(m -> lxcfs.owns(m.device()));

    try (Fd lxcfsProcess = Linux.pidfdOpen(lxcfs.pid())) {
      for (int container = 0; container < 3; container++) {
        List<Cloned> clones = NamespaceClone.cloneIn(workers, lxcfsProcess, mounts);

        assertThat(clones).hasSize(3);
        for (int i : new int[] {0, 2}) {
          try (Fd tree = clones.get(i).treeOrThrow()) {
            assertThat(Linux.deviceOf(tree, mounts.get(i).path())).isEqualTo(lxcfs.generation());
          }
        }
        LinuxException missing = clones.get(1).failure();
        assertThat(missing.operation()).isEqualTo("open_tree");
        assertThat(missing.errno()).isEqualTo(Errnos.ENOENT);
        assertThat(missing.path()).endsWith("/proc/no-such-file");
      }
    }

    assertThat(workers.started()).isEqualTo(1);
    assertThat(MountTable.read(Path.of("/proc/self/mountinfo")).mounts())
        .noneMatch(m -> lxcfs.owns(m.device()));
  }
}
