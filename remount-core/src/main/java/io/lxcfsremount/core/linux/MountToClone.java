package io.lxcfsremount.core.linux;

import io.lxcfsremount.core.mount.MountFlags;

/**
 * A mount to copy.
 *
 * @param path where it is, as the namespace it is cloned in sees it
 * @param flags the flags its copy gets
 */
public record MountToClone(String path, MountFlags flags) {}
