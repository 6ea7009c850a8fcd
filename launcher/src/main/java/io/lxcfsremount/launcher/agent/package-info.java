/**
 * The running {@code watch} agent's outside: metrics, /healthz and /readyz, its pass log, heap
 * trimming.
 */
package io.lxcfsremount.launcher.agent;
