package dev.apollo.server.http;

import dev.apollo.core.ApolloException;
import java.time.Duration;

/**
 * What one API client may hold of the control plane.
 *
 * @param headerTimeout from connecting to the end of the first request's headers; a client that
 *     drips its headers (or sends nothing, or something that is not HTTP) is cut off then
 * @param idleTimeout the longest silence while a request or its body is being read, or between
 *     requests on a kept-alive connection
 * @param maxConnections open connections at once; past it the server stops accepting until one closes
 */
public record ApiLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
    public static final ApiLimits DEFAULT = new ApiLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 512);
    /** Fewer would let a dashboard's event streams and a CLI or two shut everyone else out. */
    public static final int MIN_CONNECTIONS = 8;

    public ApiLimits {
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new ApolloException.Invalid("API header timeout: " + headerTimeout.toMillis() + " ms (expected: > 0)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ApolloException.Invalid("API idle timeout: " + idleTimeout.toMillis() + " ms (expected: > 0)");
        }
        if (maxConnections < MIN_CONNECTIONS) {
            throw new ApolloException.Invalid("API max connections: " + maxConnections + " (expected: >= " + MIN_CONNECTIONS + ")");
        }
    }
}
