package io.lxcfsremount.core.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test started, closed in the reverse order, each one even when another fails (the first
 * failure is thrown, the others suppressed in it): a set-up that fails halfway leaves nothing
 * behind, and a teardown never throws over a half-made fixture.
 *
 * <p>A test class holds one per test as an instance field with {@code @RegisterExtension}, and it
 * is closed after each test; elsewhere it is closed as any {@link AutoCloseable}.
 */
public final class Cleanup implements AutoCloseable, AfterEachCallback {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Remembers {@code resource} to be closed, before everything tracked earlier. */
  public <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
