package io.lxcfsremount.launcher.events;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * One Event per pod and reason: its key, and the Event's name, the same from any agent and across
 * restarts (client-go names each Event after the time it was first seen, which suits a recorder
 * that never restarts).
 */
record EventKey(String namespace, String pod, String uid, String reason) {
  /** A DNS subdomain name, as the API requires: 253 characters at most. */
  private static final int MAX_NAME = 253;

  private static final int HASH_CHARS = 16;

  /** The pod's name, a dot, and a hash of the pod's uid and the reason. */
  String eventName() {
    String hash =
        Hashing.sha256()
            .hashString(uid + "/" + reason, StandardCharsets.UTF_8)
            .toString()
            .substring(0, HASH_CHARS);
    String prefix = pod.substring(0, Math.min(pod.length(), MAX_NAME - HASH_CHARS - 1));
    return prefix.replaceAll("[.-]+$", "") + "." + hash;
  }
}
