package io.lxcfsremount.core.runtime;

/**
 * A bind mount of a host path that a container was created with, as its runtime records it (Docker
 * inspect {@code Mounts}, CRI {@code ContainerStatus} mounts): what the container should have, even
 * when a crash or a failed repair left nothing there.
 *
 * @param source the host path, as the runtime names it
 * @param target where it is mounted in the container
 */
public record Bind(String source, String target, boolean readOnly) {}
