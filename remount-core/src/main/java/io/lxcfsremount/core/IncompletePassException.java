package io.lxcfsremount.core;

import java.io.IOException;

/**
 * A pass that cannot know what to repair: a runtime whose containers nothing else finds (it was
 * named by {@code --runtime}, so there is no /proc scan to stand in for it) could not be asked.
 * Such a pass is not "nothing to repair": it did not happen, and is to be tried again.
 */
public final class IncompletePassException extends IOException {

  public IncompletePassException(String message, Throwable cause) {
    super(message, cause);
  }
}
