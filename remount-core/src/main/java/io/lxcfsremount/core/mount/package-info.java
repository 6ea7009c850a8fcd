/** Mount tables: one parser of {@code /proc/PID/mountinfo}, its records and their flags. */
package io.lxcfsremount.core.mount;
