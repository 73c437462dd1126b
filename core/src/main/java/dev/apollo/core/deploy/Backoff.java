package dev.apollo.core.deploy;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential back-off for a release whose instances keep failing: after the k-th failure in a
 * row, no new instance starts for {@code base * 2^(k-1)}, capped at {@code max}. A healthy
 * instance resets the streak. {@code restarts} counts every replacement and never resets.
 */
public record Backoff(int streak, int restarts, Instant notBefore) {
    public static final Duration BASE = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(60);

    public static Backoff none() {
        return new Backoff(0, 0, Instant.EPOCH);
    }

    public Backoff afterFailure(Instant now) {
        int next = streak + 1;
        Duration delay = BASE.multipliedBy(1L << Math.min(next - 1, 16));
        if (delay.compareTo(MAX) > 0) {
            delay = MAX;
        }
        return new Backoff(next, restarts + 1, now.plus(delay));
    }

    public Backoff afterHealthy() {
        return streak == 0 ? this : new Backoff(0, restarts, Instant.EPOCH);
    }

    public boolean allowsLaunchAt(Instant now) {
        return !now.isBefore(notBefore);
    }

    public boolean backingOffAt(Instant now) {
        return streak > 0 && now.isBefore(notBefore);
    }
}
