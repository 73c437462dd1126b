package dev.apollo.gateway;

import dev.apollo.routing.Reject;
import dev.apollo.routing.Rejects;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests HTTP itself refuses, answered in our JSON (Vert.x alone would send an empty body), then
 * the connection closed: after a request it could not read, nothing on it can be trusted.
 */
final class ProtocolErrors {
    private ProtocolErrors() {}

    /** Vert.x's invalid-request handler: a request line or headers that could not be parsed, or were too long. */
    static void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        Reject reject;
        if (cause instanceof TooLongHttpLineException) {
            reject = Rejects.uriTooLong(8192);
        } else if (cause instanceof StrictRequestDecoder.UnsupportedVersion unsupported) {
            reject = Rejects.httpVersionNotSupported(unsupported.version());
        } else if (cause instanceof TooLongHttpHeaderException) {
            reject = Rejects.headersTooLarge("32768 bytes");
        } else {
            reject = Rejects.malformedRequest(cause == null || cause.getMessage() == null ? "" : cause.getMessage());
        }
        answerAndClose(request, reject);
    }

    /**
     * Whether the request names exactly one host, as HTTP/1.1 requires (RFC 9112 §3.2); if not, it is
     * answered with a 400 and true is returned.
     */
    static boolean refusedForHost(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1) {
            return false;
        }
        List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
        if (hosts.size() == 1) {
            return false;
        }
        answerAndClose(request, reject(400, "bad_request", hosts.isEmpty()
                ? "an HTTP/1.1 request needs a Host header; send one naming the site (e.g. Host: apollo.localhost)"
                : "the request has " + hosts.size() + " Host headers; send exactly one"));
        return true;
    }

    private static void answerAndClose(HttpServerRequest request, Reject reject) {
        request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .endHandler(ignored -> request.connection().close());
        ErrorReplies.send(request.response(), reject);
    }

    private static Reject reject(int status, String error, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return new Reject(status, body);
    }
}
