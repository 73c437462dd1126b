package dev.apollo.gateway;

import dev.apollo.routing.BackendPool;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import dev.apollo.routing.ExternalEndpoint;
import dev.apollo.routing.Reject;
import dev.apollo.routing.Rejects;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/** Every error the gateway answers itself, as JSON that says what went wrong and what to do. */
final class ErrorReplies {
    private ErrorReplies() {}

    /**
     * The whole answer, always {@code HTTP/1.1} in its status line; {@code head}: the answer to a HEAD
     * request, which says the body's length but carries none.
     */
    static FullHttpResponse response(Reject reject, boolean head) {
        byte[] body = Rejects.json(reject).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reject.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.DATE, HttpDate.now());
        return response;
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
}
