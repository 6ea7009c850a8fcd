/**
 * Re-binding one namespace's mounts, each mount's attempt decided once: plan, outcome, verified.
 */
package io.lxcfsremount.core.repair;
