package io.lxcfsremount.core.linux;

/** An open file descriptor the agent owns: a pidfd, a detached mount tree, an O_PATH handle. */
public record Fd(int number) implements AutoCloseable {

  @Override
  public void close() {
    Syscalls.close(number);
  }
}
