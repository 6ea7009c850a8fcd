/**
 * lxcfs itself: where it runs (its process, pinned by a pidfd), which generation serves the folder,
 * whether it answers (probes that may be abandoned when it is wedged), and which mounts in a
 * container belong to it: live, stale (a dead or superseded generation), missing or another
 * instance's.
 */
package io.lxcfsremount.core.lxcfs;
