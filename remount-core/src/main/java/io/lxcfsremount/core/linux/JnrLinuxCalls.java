package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.List;

/** {@link LinuxCalls} made for real: {@link Linux} and {@link MountNamespaceThread}. */
final class JnrLinuxCalls implements LinuxCalls {
  static final JnrLinuxCalls INSTANCE = new JnrLinuxCalls();

  private JnrLinuxCalls() {}

  @Override
  public Fd pidfdOpen(long pid) throws LinuxException {
    return Linux.pidfdOpen(pid);
  }

  @Override
  public boolean isAlive(Fd pidfd) throws LinuxException {
    return Linux.isAlive(pidfd);
  }

  @Override
  public Fd cloneMount(String path, MountFlags flags) throws LinuxException {
    return Linux.cloneMount(path, flags);
  }

  @Override
  public List<Cloned> cloneMountsIn(Fd pidfd, List<MountToClone> mounts) {
    return NamespaceClone.cloneIn(pidfd, mounts);
  }

  @Override
  public Device deviceOf(Fd fd, String path) throws LinuxException {
    return Linux.deviceOf(fd, path);
  }

  @Override
  public long statUncached(String path) throws LinuxException {
    return Linux.statUncached(path);
  }

  @Override
  public void statUncached(long pid, String target) throws LinuxException {
    Linux.statUncachedIn("/proc/" + pid + "/root", target);
  }

  @Override
  public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
    return MountNamespaceThread.run(pidfd, rebinds);
  }

  @Override
  public void readyNamespaceThreads(int count, Duration idleFor) {
    NamespaceWorkers.OWN.ready(count, idleFor);
  }
}
