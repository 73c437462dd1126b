package dev.apollo.core.health;

import dev.apollo.core.model.HealthCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An instance's health as a value: each round of probes gives the next state. Pure, so the rules
 * (grace period, consecutive-failure threshold, what readiness and liveness each decide) are
 * tested without sockets or clocks.
 *
 * <p>Liveness goes STARTING → HEALTHY → UNHEALTHY, and UNHEALTHY is final: the instance is
 * replaced. Readiness goes back and forth: {@code failureThreshold} failures in a row take a ready
 * instance out of traffic (the same threshold as liveness, so that with one probe for both a
 * failing instance leaves traffic exactly when it is replaced, as before readiness existed), and
 * one pass brings it back.
 *
 * @param liveness STARTING, HEALTHY or UNHEALTHY
 * @param consecutiveFailures failed liveness probes in a row that count (those during grace do not)
 * @param readinessFailures failed readiness probes in a row
 * @param lastFailure the last failed probe's reason (liveness's when both failed), or empty
 */
public record HealthState(Health liveness, int consecutiveFailures, Readiness readiness, int readinessFailures,
        String lastFailure) {
    /** How often a starting instance is probed: fast, so a deploy sees "healthy" within ~100 ms. */
    public static final Duration STARTING_PROBE_INTERVAL = Duration.ofMillis(100);

    public enum Readiness {
        /** Has not passed yet: no traffic so far. */
        NOT_YET,
        /** Passed, and has not failed the threshold in a row since. */
        READY,
        /** Was ready, then failed the threshold in a row: out of traffic until it passes again. */
        NOT_READY
    }

    public HealthState {
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(readiness, "readiness");
        if (liveness == Health.NOT_READY) {
            throw new IllegalArgumentException("liveness is STARTING, HEALTHY or UNHEALTHY; NOT_READY is readiness's");
        }
        lastFailure = lastFailure == null ? "" : lastFailure;
    }

    public static HealthState starting() {
        return new HealthState(Health.STARTING, 0, Readiness.NOT_YET, 0, "");
    }

    /** Both together: unhealthy over everything, then starting until alive, then healthy only while ready. */
    public Health health() {
        if (liveness != Health.HEALTHY) {
            return liveness;
        }
        return readiness == Readiness.READY ? Health.HEALTHY : Health.NOT_READY;
    }

    /**
     * One round: the readiness probe's answer and the liveness probe's. When the two are the same
     * probe its one answer is given twice, and the result is what a single health check gave.
     */
    public HealthState after(ProbeResult ready, ProbeResult alive, Instant now, Instant startedAt, HealthCheck check) {
        if (liveness == Health.UNHEALTHY) {
            // Being replaced; only the reason stays current.
            return alive.passed() ? this : withLastFailure(alive.detail());
        }
        return afterReadiness(ready, check).afterLiveness(alive, now, startedAt, check);
    }

    private HealthState afterReadiness(ProbeResult result, HealthCheck check) {
        if (result.passed()) {
            return new HealthState(liveness, consecutiveFailures, Readiness.READY, 0, lastFailure);
        }
        int failures = readinessFailures + 1;
        Readiness next = readiness == Readiness.READY && failures >= check.failureThreshold() ? Readiness.NOT_READY : readiness;
        return new HealthState(liveness, consecutiveFailures, next, failures, result.detail());
    }

    /**
     * While an instance that was never alive is within its grace period a failure is remembered
     * but not counted: a JVM that is still starting refuses connections.
     */
    private HealthState afterLiveness(ProbeResult result, Instant now, Instant startedAt, HealthCheck check) {
        if (result.passed()) {
            return new HealthState(Health.HEALTHY, 0, readiness, readinessFailures, lastFailure);
        }
        boolean inGrace = liveness == Health.STARTING && now.isBefore(startedAt.plus(check.grace()));
        if (inGrace) {
            return withLastFailure(result.detail());
        }
        int failures = consecutiveFailures + 1;
        Health next = failures >= check.failureThreshold() ? Health.UNHEALTHY : liveness;
        return new HealthState(next, failures, readiness, readinessFailures, result.detail());
    }

    private HealthState withLastFailure(String reason) {
        return new HealthState(liveness, consecutiveFailures, readiness, readinessFailures, reason);
    }

    /**
     * When to probe next after a round that ended at {@code now}: fast until the instance is alive
     * and, within its grace period, until it first becomes ready; then at the check's interval.
     */
    public Instant nextProbe(Instant now, Instant startedAt, HealthCheck check) {
        boolean starting = liveness == Health.STARTING
                || (readiness == Readiness.NOT_YET && now.isBefore(startedAt.plus(check.grace())));
        Duration interval = starting ? min(STARTING_PROBE_INTERVAL, check.interval()) : check.interval();
        return now.plus(interval);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
