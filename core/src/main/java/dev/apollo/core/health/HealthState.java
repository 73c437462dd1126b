package dev.apollo.core.health;

import dev.apollo.core.model.HealthCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An instance's health as a value: each probe result gives the next state. Pure, so the rules
 * (grace period, consecutive-failure threshold) are tested without sockets or clocks.
 *
 * @param consecutiveFailures failed probes in a row that count (those during grace do not)
 * @param lastFailure the last failed probe's reason, or empty
 */
public record HealthState(Health health, int consecutiveFailures, String lastFailure) {
    /** How often a starting instance is probed: fast, so a deploy sees "healthy" within ~100 ms. */
    public static final Duration STARTING_PROBE_INTERVAL = Duration.ofMillis(100);

    public HealthState {
        Objects.requireNonNull(health, "health");
        lastFailure = lastFailure == null ? "" : lastFailure;
    }

    public static HealthState starting() {
        return new HealthState(Health.STARTING, 0, "");
    }

    public HealthState afterSuccess() {
        return new HealthState(Health.HEALTHY, 0, lastFailure);
    }

    /**
     * A failed probe. While an instance that was never healthy is within its grace period the
     * failure is remembered but not counted: a JVM that is still starting refuses connections.
     */
    public HealthState afterFailure(String reason, Instant now, Instant startedAt, HealthCheck check) {
        boolean inGrace = health == Health.STARTING && now.isBefore(startedAt.plus(check.grace()));
        if (inGrace || health == Health.UNHEALTHY) {
            return new HealthState(health, consecutiveFailures, reason);
        }
        int failures = consecutiveFailures + 1;
        Health next = failures >= check.failureThreshold() ? Health.UNHEALTHY : health;
        return new HealthState(next, failures, reason);
    }

    /** When to probe next after a probe that ended at {@code now}. */
    public Instant nextProbe(Instant now, HealthCheck check) {
        Duration interval = health == Health.STARTING ? min(STARTING_PROBE_INTERVAL, check.interval()) : check.interval();
        return now.plus(interval);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
