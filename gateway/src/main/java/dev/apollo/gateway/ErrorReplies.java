package dev.apollo.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.Json;
import dev.apollo.gateway.Decision.Forward;
import dev.apollo.gateway.Decision.Proxied;
import dev.apollo.gateway.Decision.Reject;
import dev.apollo.gateway.Decision.ToExternal;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Every error the gateway answers itself, as JSON that says what went wrong and what to do. */
final class ErrorReplies {
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final MediaType JSON_MEDIA_TYPE = MediaType.parse("application/json");

    private ErrorReplies() {}

    static void send(HttpServerResponse response, Reject reject) {
        response.setStatusCode(reject.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .end(render(reject));
    }

    /** The error as the proxy's response, so it travels the proxy's normal response path. */
    static ProxyResponse asProxyResponse(ProxyContext context, Reject reject) {
        return context.request().release().response()
                .setStatusCode(reject.status())
                .setBody(Body.body(render(reject), JSON_MEDIA_TYPE));
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
            return reject(504, "gateway_timeout", pool, pool.service() + " in " + pool.environment()
                    + " did not answer in time; check its logs with: apollo logs " + pool.service() + " -e " + pool.environment());
        }
        if (failure instanceof BackendsUnreachable unreachable) {
            return reject(502, "bad_gateway", pool, "could not connect to " + pool.service() + " in " + pool.environment()
                    + " (tried " + String.join(", ", unreachable.tried()) + "); see its instances with: apollo status "
                    + pool.service() + " -e " + pool.environment());
        }
        return reject(502, "bad_gateway", pool, pool.service() + " in " + pool.environment()
                + " failed before answering (" + failure.getMessage() + ")");
    }

    /**
     * Maps a failure to reach or hear from an external: 504 {@code external_timeout} when it did not
     * accept a connection or did not answer in time, 502 {@code external_unreachable} otherwise.
     */
    static Reject externalFailure(ToExternal route, Throwable failure) {
        ExternalEndpoint endpoint = route.endpoint();
        Function<String, Reject> timeout = message -> external(504, "external_timeout", route, message);
        if (failure instanceof ExternalUnreachable unreachable) {
            Throwable cause = unreachable.getCause();
            // A TimeoutException: no pooled connection in time; ConnectTimeoutException: the TCP connect itself.
            if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
                return timeout.apply(endpoint.name() + " (" + endpoint.url() + ") did not accept a connection in time; is "
                        + endpoint.host() + ":" + endpoint.port() + " reachable from this machine?");
            }
            return external(502, "external_unreachable", route, "could not connect to " + endpoint.name() + " ("
                    + endpoint.url() + "): " + cause.getMessage() + "; check its URL with: apollo external list -e "
                    + endpoint.environment());
        }
        if (failure instanceof TimeoutException) {
            return timeout.apply(endpoint.name() + " (" + endpoint.url() + ") did not answer in time");
        }
        return external(502, "external_unreachable", route, endpoint.name() + " (" + endpoint.url()
                + ") failed before answering (" + failure.getMessage() + ")");
    }

    private static Reject external(int status, String error, ToExternal route, String message) {
        return Reject.of(status, error, "environment", route.environment(), "external", route.endpoint().name(),
                "url", route.endpoint().url(), "message", message);
    }

    private static Reject reject(int status, String error, BackendPool pool, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("environment", pool.environment());
        body.put("service", pool.service());
        body.put("message", message);
        return new Reject(status, body);
    }

    static Buffer render(Reject reject) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(reject.body());
            return Buffer.buffer(json.length + 1).appendBytes(json).appendByte((byte) '\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
