package dev.apollo.gateway;

import java.time.Duration;

/** Capped exponential backoff: doubles from {@code min} up to {@code max}; reset on success. */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration min, Duration max) {
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
