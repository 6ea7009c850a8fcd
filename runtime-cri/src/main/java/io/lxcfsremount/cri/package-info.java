/** CRI runtimes (containerd, CRI-O, cri-dockerd) through the CRI v1 API over grpc-java. */
package io.lxcfsremount.cri;
