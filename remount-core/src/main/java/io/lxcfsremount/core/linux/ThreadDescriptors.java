package io.lxcfsremount.core.linux;

import java.util.List;

/**
 * The descriptors a namespace thread uses, duplicated for it alone and closed by it when it ends. A
 * thread given up on may wake much later; by then its caller has closed its own descriptors and the
 * kernel may have given their numbers to other files (another container's pidfd or mount tree),
 * which the thread must never act on.
 *
 * @param pidfd the thread's own pidfd of the container's process
 * @param jobs the rebinds, each with the thread's own copy of its mount tree
 */
record ThreadDescriptors(Fd pidfd, NamespaceRebind[] jobs) {

  static ThreadDescriptors of(Fd pidfd, List<NamespaceRebind> rebinds) throws LinuxException {
    NamespaceRebind[] jobs = new NamespaceRebind[rebinds.size()];
    Fd ownPidfd = pidfd.duplicate();
    try {
      for (int i = 0; i < jobs.length; i++) {
        NamespaceRebind job = rebinds.get(i);
        jobs[i] = job.tree() == null ? job : job.withTree(job.tree().duplicate());
      }
    } catch (LinuxException e) {
      new ThreadDescriptors(ownPidfd, jobs).close();
      throw e;
    }
    return new ThreadDescriptors(ownPidfd, jobs);
  }

  /** Closes them all; runs on the namespace thread, so it loads nothing and allocates nothing. */
  void close() {
    for (NamespaceRebind job : jobs) {
      if (job != null && job.tree() != null) {
        job.tree().close();
      }
    }
    pidfd.close();
  }
}
