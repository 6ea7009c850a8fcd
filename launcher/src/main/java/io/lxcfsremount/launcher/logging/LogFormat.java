package io.lxcfsremount.launcher.logging;

/** How log lines look on stderr ({@code --log-format}). */
public enum LogFormat {
  PLAIN,
  JSON
}
