package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.LinuxCalls;
import io.lxcfsremount.core.linux.LinuxException;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import io.lxcfsremount.core.mount.Device;
import io.lxcfsremount.core.mount.MountFlags;
import java.util.List;

/**
 * The real system calls, except that every attach in a container's namespace fails: the jobs carry
 * the container's pidfd where the mount tree belongs, an open descriptor (the namespace thread
 * duplicates it like any other) that is no mount, so a detach-then-attach detaches the dead mount
 * and move_mount then answers EINVAL, as if the agent had been killed in between.
 */
public final class AttachFails implements LinuxCalls {
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
  public Fd cloneMountIn(Fd pidfd, String path, MountFlags flags) throws LinuxException {
    return real.cloneMountIn(pidfd, path, flags);
  }

  @Override
  public Device deviceOf(Fd fd, String path) throws LinuxException {
    return real.deviceOf(fd, path);
  }

  @Override
  public void statUncached(long pid, String target) throws LinuxException {
    real.statUncached(pid, target);
  }

  @Override
  public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
    return real.inNamespace(
        pidfd,
        rebinds.stream()
            .map(
                r ->
                    new NamespaceRebind(
                        r.strategy(),
                        r.target(),
                        pidfd,
                        r.source(),
                        r.flags(),
                        r.sourceDevice(),
                        r.mountId(),
                        r.mountDevice()))
            .toList());
  }
}
