/**
 * Waits that end: calls that may block forever in the kernel run on threads that can be abandoned.
 */
package io.lxcfsremount.core.bounded;
