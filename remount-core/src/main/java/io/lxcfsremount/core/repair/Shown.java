package io.lxcfsremount.core.repair;

/**
 * What the verifying read of a container's mount table shows at the target of an {@link Attempt}:
 * the live lxcfs on top, or what is there instead.
 *
 * @param instead the top mount at the target ("fuse.lxcfs 0:41", or "gone"), null when it is the
 *     live lxcfs
 */
public record Shown(String instead) {
  public static final Shown LIVE = new Shown(null);

  public boolean live() {
    return instead == null;
  }
}
