package io.lxcfsremount.core.runtime;

/** The Kubernetes pod a container belongs to. */
public record Pod(String namespace, String name, String uid) {

  /** {@code namespace/name}, the way kubectl names a pod. */
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
