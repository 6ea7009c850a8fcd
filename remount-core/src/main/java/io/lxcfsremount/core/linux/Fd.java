package io.lxcfsremount.core.linux;

/** An open file descriptor the agent owns: a pidfd, a detached mount tree, an O_PATH handle. */
public record Fd(int number) implements AutoCloseable {

  /**
   * Another descriptor for the same open file, for a holder whose lifetime differs (a thread that
   * may outlive its caller).
   *
   * @throws LinuxException EMFILE when the process has no descriptor left
   */
  public Fd duplicate() throws LinuxException {
    int copy = Syscalls.dupCloexec(number);
    if (copy < 0) {
      throw new LinuxException("fcntl F_DUPFD_CLOEXEC", "", Syscalls.errno());
    }
    return new Fd(copy);
  }

  @Override
  public void close() {
    Syscalls.close(number);
  }
}
