package io.lxcfsremount.docker;

import java.util.List;

/** The name people give a Docker container, from the names the list API returns. */
final class ContainerNames {
  private ContainerNames() {}

  /**
   * The container's own name, without the leading slash: {@code ["/web"]} names {@code web}. Names
   * with a further slash ({@code /app/db}) are aliases from legacy links, not the container's name.
   * Without any usable name, the short id, as {@code docker ps} would show it.
   */
  static String primary(List<String> names, String id) {
    for (String name : names) {
      String bare = name.startsWith("/") ? name.substring(1) : name;
      if (!bare.isEmpty() && bare.indexOf('/') < 0) {
        return bare;
      }
    }
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
