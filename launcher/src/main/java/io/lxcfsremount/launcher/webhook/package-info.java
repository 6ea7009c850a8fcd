/** The admission webhook that gives opted-in pods their lxcfs files, and its TLS. */
package io.lxcfsremount.launcher.webhook;
