package dev.apollo.server.control;

import java.time.Instant;

/**
 * Whether the gateway has let go of instances taken out of the route table at an instant: it
 * serves a table made since. A drained instance is stopped only then (and after the drain delay),
 * so a gateway that applies tables late, like nginx with its reloads, never sends a request to an
 * instance that is gone.
 */
@FunctionalInterface
public interface TrafficSync {
    /** The embedded gateway applies a table within milliseconds of its publication: the drain delay covers it. */
    TrafficSync IMMEDIATE = since -> true;

    boolean servesTableOf(Instant since);
}
