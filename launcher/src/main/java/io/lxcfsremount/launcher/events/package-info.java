/**
 * Kubernetes Events on the pods whose mounts a pass repaired or could not, rate-limited and
 * bounded.
 */
package io.lxcfsremount.launcher.events;
