package dev.apollo.gateway;

import dev.apollo.routing.BackendPool;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import dev.apollo.routing.ExternalEndpoint;
import dev.apollo.routing.Reject;
import dev.apollo.routing.Rejects;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeoutException;

/** Every error the gateway answers itself, as JSON that says what went wrong and what to do. */
final class ErrorReplies {
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    private ErrorReplies() {}

    static void send(HttpServerResponse response, Reject reject) {
        response.setStatusCode(reject.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .putHeader(HttpHeaders.DATE, HttpDate.now())
                .end(render(reject));
    }

    /** Maps a failure to reach or hear from where a request was proxied. */
    static Reject proxyFailure(Proxied route, Throwable failure) {
        return switch (route) {
            case Forward forward -> backendFailure(forward.pool(), failure);
            case ToExternal external -> externalFailure(external, failure);
        };
    }

    /** Maps a failure to reach or hear from a backend: a timeout is 504, anything else 502. */
    static Reject backendFailure(BackendPool pool, Throwable failure) {
        if (failure instanceof TimeoutException) {
            return Rejects.backendTimeout(pool.environment(), pool.service());
        }
        if (failure instanceof BackendsUnreachable unreachable) {
            return Rejects.backendUnreachable(pool.environment(), pool.service(), unreachable.tried());
        }
        return Rejects.backendFailed(pool.environment(), pool.service(), failure.getMessage());
    }

    /**
     * Maps a failure to reach or hear from an external: 504 {@code external_timeout} when it did not
     * accept a connection or did not answer in time, 502 {@code external_unreachable} otherwise.
     */
    static Reject externalFailure(ToExternal route, Throwable failure) {
        ExternalEndpoint endpoint = route.endpoint();
        String env = route.environment();
        if (failure instanceof ExternalUnreachable unreachable) {
            Throwable cause = unreachable.getCause();
            // A TimeoutException: no pooled connection in time; ConnectTimeoutException: the TCP connect itself.
            if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
                return Rejects.externalConnectTimeout(env, endpoint.name(), endpoint.url(), endpoint.host() + ":" + endpoint.port());
            }
            return Rejects.externalUnreachable(env, endpoint.name(), endpoint.url(), cause.getMessage(), endpoint.environment());
        }
        if (failure instanceof TimeoutException) {
            return Rejects.externalTimeout(env, endpoint.name(), endpoint.url());
        }
        return Rejects.externalFailed(env, endpoint.name(), endpoint.url(), failure.getMessage());
    }

    static Buffer render(Reject reject) {
        return Buffer.buffer(Rejects.json(reject));
    }
}
