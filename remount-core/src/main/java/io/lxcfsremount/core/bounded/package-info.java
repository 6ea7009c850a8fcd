/**
 * Waits that end: calls that may block forever in the kernel run on threads that can be abandoned,
 * and the agent's background work runs on daemon threads that never keep it from exiting.
 */
package io.lxcfsremount.core.bounded;
