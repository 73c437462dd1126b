package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the platform watches an instance, with two probes (Kubernetes' split):
 * <ul>
 *   <li>{@code readiness} decides traffic: an instance gets requests (and counts toward a deploy)
 *       only while it passes; {@code failureThreshold} failures in a row take it out of the route
 *       table, and the next pass puts it back. It is never restarted for it.
 *   <li>{@code liveness} decides restarts: {@code failureThreshold} failures in a row mark the
 *       instance unhealthy, and it is drained, stopped and replaced. Failures during {@code grace}
 *       after start, before it ever passed, do not count.
 * </ul>
 * Both are probed every {@code interval}, each given {@code timeout}. When they are the same probe
 * (the default) it is sent once per round and its answer counts for both.
 */
public record HealthCheck(Probe readiness, Probe liveness, Duration grace, Duration interval, Duration timeout,
        int failureThreshold) {
    public static final Probe DEFAULT_PROBE = new Probe.Http("/health/is_alive");

    public static final HealthCheck DEFAULT = new HealthCheck(DEFAULT_PROBE, DEFAULT_PROBE,
            Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 3);

    public HealthCheck {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(liveness, "liveness");
        requirePositive("health check grace", grace, true);
        requirePositive("health check interval", interval, false);
        requirePositive("health check timeout", timeout, false);
        if (failureThreshold < 1 || failureThreshold > 100) {
            throw new ApolloException.Invalid("health check failure threshold " + failureThreshold + " (expected: 1..100)");
        }
    }

    /** True when one probe answers for both, as it always did before the two were told apart. */
    public boolean sameProbe() {
        return readiness.equals(liveness);
    }

    private static void requirePositive(String what, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new ApolloException.Invalid(what + " " + value + " (expected: " + (zeroAllowed ? ">= 0" : "> 0") + ")");
        }
    }
}
