/** Logback set up from the command line: plain or JSON lines on stderr. */
package io.lxcfsremount.launcher.logging;
