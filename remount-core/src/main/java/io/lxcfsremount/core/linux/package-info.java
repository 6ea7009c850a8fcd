/**
 * The Linux calls, behind {@link io.lxcfsremount.core.linux.LinuxCalls} (jffi and jnr-ffi in
 * production, fakes in unit tests), and the one dangerous place: the namespace thread that enters a
 * container's mount namespace (DESIGN.md, "Namespace threads").
 */
package io.lxcfsremount.core.linux;
