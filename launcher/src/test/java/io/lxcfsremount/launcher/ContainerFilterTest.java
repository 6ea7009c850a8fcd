package io.lxcfsremount.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.runtime.Container;
import io.lxcfsremount.core.runtime.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerFilterTest {
  private static final Container WEB =
      new Container(
          "docker", "3f4e5d6c7b8a", "web", 1234, new Pod("shop", "web-7c5464f6b9-6zxdf", "uid-1"));
  private static final Container DB = new Container("docker", "9a8b7c6d5e4f", "db", 2345, null);

  @Test
  void withoutValues_everyContainerPasses() {
    ContainerFilter filter = new ContainerFilter(List.of());

    assertThat(filter.test(WEB)).isTrue();
    assertThat(filter.unmatched()).isEmpty();
  }

  @Test
  void aContainerPassesByName_idPrefix_pod_orPid() {
    assertThat(new ContainerFilter(List.of("web")).test(WEB)).isTrue();
    assertThat(new ContainerFilter(List.of("3f4e")).test(WEB)).isTrue();
    assertThat(new ContainerFilter(List.of("shop/web-7c5464f6b9-6zxdf")).test(WEB)).isTrue();
    assertThat(new ContainerFilter(List.of("shop/web-7c5464f6b9-6zxdf/web")).test(WEB)).isTrue();
    assertThat(new ContainerFilter(List.of("1234")).test(WEB)).isTrue();
    assertThat(new ContainerFilter(List.of("web")).test(DB)).isFalse();
    assertThat(new ContainerFilter(List.of("3f4")).test(WEB)).isFalse();
  }

  @Test
  void remembersTheValuesThatNamedNothing() {
    ContainerFilter filter = new ContainerFilter(List.of("web", "cache"));

    filter.test(WEB);
    filter.test(DB);

    assertThat(filter.unmatched()).containsExactly("cache");
  }
}
