package io.lxcfsremount.core.testing;

import io.lxcfsremount.core.linux.Fd;
import io.lxcfsremount.core.linux.NamespaceRebind;
import io.lxcfsremount.core.linux.RebindOutcome;
import java.util.List;

/**
 * The real system calls, except that every attach in a container's namespace fails: the jobs carry
 * the container's pidfd where the mount tree belongs, an open descriptor (the namespace thread
 * duplicates it like any other) that is no mount, so a detach-then-attach detaches the dead mount
 * and move_mount then answers EINVAL, as if the agent had been killed in between.
 */
public final class AttachFails extends ForwardingLinuxCalls {
  @Override
  public List<RebindOutcome> inNamespace(Fd pidfd, List<NamespaceRebind> rebinds) {
    return super.inNamespace(
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
