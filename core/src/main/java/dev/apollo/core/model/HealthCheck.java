package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.time.Duration;

/**
 * How the platform decides an instance is alive: {@code GET path} answering 2xx within
 * {@code timeout}, probed every {@code interval}. Failures during {@code grace} after start do not
 * count; {@code failureThreshold} failures in a row mark the instance unhealthy and it is replaced.
 */
public record HealthCheck(String path, Duration grace, Duration interval, Duration timeout, int failureThreshold) {
    public static final HealthCheck DEFAULT = new HealthCheck(
            "/health/is_alive", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 3);

    public HealthCheck {
        if (path == null || !path.startsWith("/") || path.contains("..") || path.chars().anyMatch(c -> c <= ' ')) {
            throw new ApolloException.Invalid("health check path '" + path
                    + "': expected an absolute URL path without spaces or '..' (e.g. /health/is_alive).");
        }
        requirePositive("health check grace", grace, true);
        requirePositive("health check interval", interval, false);
        requirePositive("health check timeout", timeout, false);
        if (failureThreshold < 1 || failureThreshold > 100) {
            throw new ApolloException.Invalid("health check failure threshold " + failureThreshold + " (expected: 1..100)");
        }
    }

    private static void requirePositive(String what, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new ApolloException.Invalid(what + " " + value + " (expected: " + (zeroAllowed ? ">= 0" : "> 0") + ")");
        }
    }
}
