/** Docker's containers through the Engine API, over docker-java's unix-socket transport. */
package io.lxcfsremount.docker;
