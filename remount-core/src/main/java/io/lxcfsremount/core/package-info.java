/**
 * The reconcile pass of DESIGN.md: find the mount namespaces that hold lxcfs mounts ({@link
 * io.lxcfsremount.core.CandidateFinder}), establish each mount's state, re-bind the stale and
 * missing ones and report the truth ({@link io.lxcfsremount.core.Reconciler}). Everything else in
 * core is a part this package puts together; nothing below imports it.
 */
package io.lxcfsremount.core;
