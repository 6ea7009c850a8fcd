/**
 * The command line: {@link io.lxcfsremount.launcher.Main}, the four commands and their options, the
 * exit codes, and the parts a command wires together ({@link io.lxcfsremount.launcher.AgentParts},
 * {@link io.lxcfsremount.launcher.Runtimes}). The subpackages know nothing of picocli commands.
 */
package io.lxcfsremount.launcher;
