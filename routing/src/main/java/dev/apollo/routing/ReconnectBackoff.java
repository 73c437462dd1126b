package dev.apollo.routing;

import java.time.Duration;

/**
 * How long to wait before the next attempt to reach the control plane's route stream: doubles from
 * {@code min} up to {@code max}, back to {@code min} once connected. Not core's {@code Backoff},
 * which holds a release's crash loop (failure streak, restarts, the instant before which no
 * instance starts) as a value of the deploy model; the two share only the doubling.
 */
final class ReconnectBackoff {
    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    ReconnectBackoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = minMillis;
    }

    long nextMillis() {
        long current = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return current;
    }

    void reset() {
        nextMillis = minMillis;
    }
}
