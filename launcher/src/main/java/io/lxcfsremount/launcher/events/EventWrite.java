package io.lxcfsremount.launcher.events;

import java.time.Instant;

/**
 * One Event as it should stand after a write.
 *
 * @param occurrences how many times this agent saw it
 * @param count the Event's count: the occurrences, plus those of an Event of the same name that was
 *     there before this agent (a restarted agent carries on counting)
 * @param exists whether the Event was written before, so that a patch updates it
 */
record EventWrite(
    EventKey key,
    String type,
    String message,
    Instant firstTime,
    Instant lastTime,
    int occurrences,
    int count,
    boolean exists) {}
