package io.lxcfsremount.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AskedAheadTest {
  private final AtomicInteger lists = new AtomicInteger();

  /** One container, named after the list that found it and the thread that listed. */
  private List<Container> list() {
    int n = lists.incrementAndGet();
    String name = "list-" + n + " on " + Thread.currentThread().getName();
    return List.of(new Container("docker", "id" + n, name, 100 + n, null));
  }

  @Test
  void withoutAskingAhead_eachTakeLists() throws Exception {
    AskedAhead ahead = new AskedAhead("Docker at unix:///run/docker.sock", this::list);
    String caller = Thread.currentThread().getName();

    assertThat(ahead.takeOrList())
        .extracting(Container::name)
        .containsExactly("list-1 on " + caller);
    assertThat(ahead.takeOrList())
        .extracting(Container::name)
        .containsExactly("list-2 on " + caller);
  }

  @Test
  void theAnswerAskedAhead_isTakenOnce() throws Exception {
    AskedAhead ahead = new AskedAhead("Docker at unix:///run/docker.sock", this::list);
    String caller = Thread.currentThread().getName();

    ahead.ask("test-ahead");

    assertThat(ahead.takeOrList())
        .extracting(Container::name)
        .containsExactly("list-1 on test-ahead");
    assertThat(ahead.takeOrList())
        .extracting(Container::name)
        .containsExactly("list-2 on " + caller);
  }

  @Test
  void aFailureAskedAhead_isThrownAsAskingWouldHave() {
    RuntimeUnavailableException down =
        new RuntimeUnavailableException("cannot reach Docker at unix:///nowhere: no such file");
    AtomicReference<String> askedOn = new AtomicReference<>();
    AskedAhead ahead =
        new AskedAhead(
            "Docker at unix:///nowhere",
            () -> {
              askedOn.compareAndSet(null, Thread.currentThread().getName());
              throw down;
            });

    ahead.ask("test-ahead");

    assertThatThrownBy(ahead::takeOrList).isSameAs(down);
    assertThat(askedOn).hasValue("test-ahead");
  }
}
