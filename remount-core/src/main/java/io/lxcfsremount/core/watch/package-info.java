/** The watcher: wakes on mount-table changes, lxcfs exiting and a resync, and runs passes. */
package io.lxcfsremount.core.watch;
