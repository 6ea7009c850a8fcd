package io.lxcfsremount.core.linux;

/**
 * The outcome of one clone made in another mount namespace: its detached tree, or why there is
 * none. Exactly one of the two is set.
 */
public record Cloned(Fd tree, LinuxException failure) {

  public static Cloned of(Fd tree) {
    return new Cloned(tree, null);
  }

  public static Cloned failed(LinuxException failure) {
    return new Cloned(null, failure);
  }

  /** The tree, which the caller now owns. */
  public Fd treeOrThrow() throws LinuxException {
    if (failure != null) {
      throw failure;
    }
    return tree;
  }
}
