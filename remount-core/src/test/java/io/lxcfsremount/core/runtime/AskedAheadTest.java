package io.lxcfsremount.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AskedAheadTest {
  private final AtomicInteger lists = new AtomicInteger();

  private List<Container> list() {
    int n = lists.incrementAndGet();
    return List.of(new Container("docker", "id" + n, "list-" + n, 100 + n, null));
  }

  @Test
  void withoutAskingAhead_eachTakeLists() throws Exception {
    AskedAhead ahead = new AskedAhead("Docker at unix:///run/docker.sock", this::list);

    assertThat(ahead.takeOrList()).extracting(Container::name).containsExactly("list-1");
    assertThat(ahead.takeOrList()).extracting(Container::name).containsExactly("list-2");
  }

  @Test
  void theAnswerAskedAhead_isTakenOnce() throws Exception {
    AskedAhead ahead = new AskedAhead("Docker at unix:///run/docker.sock", this::list);

    ahead.ask("test-ahead");

    assertThat(ahead.takeOrList()).extracting(Container::name).containsExactly("list-1");
    assertThat(ahead.takeOrList()).extracting(Container::name).containsExactly("list-2");
    assertThat(lists).hasValue(2);
  }

  @Test
  void aFailureAskedAhead_isThrownAsAskingWouldHave() {
    RuntimeUnavailableException down =
        new RuntimeUnavailableException("cannot reach Docker at unix:///nowhere: no such file");
    AskedAhead ahead =
        new AskedAhead(
            "Docker at unix:///nowhere",
            () -> {
              throw down;
            });

    ahead.ask("test-ahead");

    assertThatThrownBy(ahead::takeOrList).isSameAs(down);
  }
}
