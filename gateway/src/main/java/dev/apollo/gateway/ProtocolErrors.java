package dev.apollo.gateway;

import dev.apollo.routing.Reject;
import dev.apollo.routing.Rejects;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Requests HTTP itself refuses, answered in our JSON (Netty alone would give us nothing to send),
 * then the connection closed: after a request it could not read, nothing on it can be trusted.
 */
final class ProtocolErrors {
    private ProtocolErrors() {}

    /** What a request the decoder could not read is answered: a request line or headers unparsable or too long. */
    static Reject invalid(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Rejects.uriTooLong(StrictRequestDecoder.MAX_REQUEST_LINE);
        }
        if (cause instanceof StrictRequestDecoder.UnsupportedVersion unsupported) {
            return Rejects.httpVersionNotSupported(unsupported.version());
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Rejects.headersTooLarge(StrictRequestDecoder.MAX_HEADERS + " bytes");
        }
        return Rejects.malformedRequest(cause == null || cause.getMessage() == null ? "" : cause.getMessage());
    }

    /**
     * Why an HTTP/1.1 request that does not name exactly one host (RFC 9112 §3.2) is refused; null
     * when it names one, or is HTTP/1.0.
     */
    static Reject hostProblem(HttpRequest request) {
        if (request.protocolVersion() != HttpVersion.HTTP_1_1) {
            return null;
        }
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts == 1) {
            return null;
        }
        return Rejects.badRequest(hosts == 0
                ? "an HTTP/1.1 request needs a Host header; send one naming the site (e.g. Host: apollo.localhost)"
                : "the request has " + hosts + " Host headers; send exactly one");
    }

    /**
     * Why a request whose target is not a path (RFC 9112 §3.2: the origin form, or the absolute form proxies
     * are sent) is refused, as nginx refuses it; null when it is one. CONNECT asks a forward proxy for a tunnel
     * to anywhere, which a gateway in front of its own services never is; {@code OPTIONS *} asks about a server
     * that has no options of its own (nginx refuses it too).
     */
    static Reject targetProblem(HttpRequest request) {
        String target = request.uri();
        if (request.method() == HttpMethod.CONNECT) {
            return Rejects.badRequest("CONNECT asks for a tunnel to another host, and this gateway is not a forward"
                    + " proxy: it serves its routes; send a request for a path instead (e.g. GET /a-path)");
        }
        if (target.startsWith("/") || target.startsWith("http://") || target.startsWith("https://")) {
            return null;
        }
        String shown = target.length() > 100 ? target.substring(0, 100) + "..." : target;
        return Rejects.badRequest("the request target '" + shown + "' is not a path; send one that starts"
                + " with / (e.g. GET /a-path HTTP/1.1)");
    }
}
