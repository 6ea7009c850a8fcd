package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.linux.Cloned;
import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.MountToClone;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.time.Duration;
import java.util.List;

/**
 * The real Linux calls, each overridable: a fault injector changes the one call it is about (as
 * Guava's forwarding collections do).
 */
public abstract class ForwardingLinuxCalls implements LinuxCalls {
  private final LinuxCalls real = LinuxCalls.jnr();

  @Override
  public Fd pidfdOpen(long pid) throws LinuxException {
    return real.pidfdOpen(pid);
  }

  @Override
  public boolean isAlive(Fd pidfd) throws LinuxException {
    return real.isAlive(pidfd);
  }

  @Override
  public Fd cloneMount(String path, MountFlags flags) throws LinuxException {
    return real.cloneMount(path, flags);
  }

  @Override
  public List<Cloned> cloneMountsIn(Fd pidfd, List<MountToClone> mounts) {
    return real.cloneMountsIn(pidfd, mounts);
  }

  @Override
  public Device deviceOf(Fd fd, String path) throws LinuxException {
    return real.deviceOf(fd, path);
  }

  @Override
  public long statUncached(String path) throws LinuxException {
    return real.statUncached(path);
  }

  @Override
  public void statUncached(long pid, String target) throws LinuxException {
    real.statUncached(pid, target);
  }

  @Override
  public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
    return real.inNamespace(pidfd, rebinds);
  }

  @Override
  public void readyNamespaceThreads(int count, Duration idleFor) {
    real.readyNamespaceThreads(count, idleFor);
  }
}
