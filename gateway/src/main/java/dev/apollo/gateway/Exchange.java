package dev.apollo.gateway;

import dev.apollo.routing.Backend;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * One request carried to where its routing decision says, and its answer carried back, streaming
 * both ways. Everything happens on the event loop of the client's connection.
 *
 * <p>Retries, as nginx's {@code proxy_next_upstream error}: a backend that could not be connected to
 * is replaced by another whatever the method (nothing was sent); one that closed or reset the
 * connection before any byte of an answer is replaced only for an idempotent request without a body
 * (it may have reached the backend: only a request that means the same when repeated may be sent
 * twice, and a body already streamed there cannot be sent again). A timeout is never retried.
 */
final class Exchange {
    static final CharSequence X_APOLLO_ENV = HttpHeaders.createOptimized("x-apollo-env");
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");
    private static final CharSequence VIA = HttpHeaders.createOptimized("via");
    private static final String OUR_VIA = "1.1 apollo";
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);
    /** The most backends one request is sent to (nginx: every one of the upstream; we bound it). */
    private static final int MAX_BACKENDS = 3;

    private final Forwarder forwarder;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Proxied decision;
    private final boolean hasBody;
    private final List<Backend> tried = new ArrayList<>(2);
    private HttpClientRequest outbound;
    private boolean bodySent;
    private boolean clientGone;

    Exchange(Forwarder forwarder, HttpServerRequest request, Proxied decision) {
        this.forwarder = forwarder;
        this.request = request;
        this.response = request.response();
        this.decision = decision;
        this.hasBody = hasBody(request);
    }

    void start() {
        // Hold the body until it can be piped to a backend, which may take a connect or two.
        request.pause();
        response.closeHandler(ignored -> {
            clientGone = true;
            if (outbound != null) {
                outbound.reset(); // the client left: the backend need not go on for nobody
            }
        });
        open();
    }

    private void open() {
        Future<HttpClientRequest> opened = switch (decision) {
            case Forward forward -> forwarder.backends().open(forward.pool(), tried).map(BackendConnector.Opened::request);
            case ToExternal external -> forwarder.externals().open(external.endpoint());
        };
        opened.onComplete(result -> {
            if (clientGone) {
                if (result.succeeded()) {
                    result.result().reset();
                }
            } else if (result.succeeded()) {
                send(result.result());
            } else {
                fail(result.cause());
            }
        });
    }

    private void send(HttpClientRequest out) {
        outbound = out;
        out.setMethod(request.method());
        out.setURI(decision.uri().isEmpty() ? request.uri() : decision.uri());
        MultiMap headers = out.headers();
        Headers.copyRequest(request.headers(), headers);
        switch (decision) {
            case Forward forward -> {
                addForwardedHeaders(headers);
                headers.set(X_APOLLO_ENV, forward.environment());
            }
            case ToExternal external -> headers.remove(X_APOLLO_ENV);
        }
        String via = Headers.joined(request.headers(), VIA);
        headers.set(VIA, via == null ? OUR_VIA : via + ", " + OUR_VIA);
        if (isWebSocketUpgrade()) {
            headers.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
            headers.set(HttpHeaders.UPGRADE, request.getHeader(HttpHeaders.UPGRADE));
            bodySent = true;
            out.connect().onComplete(result -> {
                if (result.succeeded()) {
                    answer(result.result());
                } else {
                    fail(result.cause());
                }
            });
            request.resume();
            return;
        }
        out.response().onComplete(result -> {
            if (result.succeeded()) {
                answer(result.result());
            } else {
                fail(result.cause());
            }
        });
        if (!hasBody) {
            out.end();
            request.resume(); // nothing to wait for; lets the connection read the next request
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            headers.set(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            out.setChunked(true);
        }
        if (request.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            response.writeContinue(); // the client waits for it before sending the body (nginx sends it too)
        }
        bodySent = true;
        request.pipe().endOnFailure(false).to(out).onFailure(failure -> out.reset());
    }

    private void addForwardedHeaders(MultiMap headers) {
        SocketAddress remote = request.remoteAddress();
        String prior = Headers.joined(request.headers(), X_FORWARDED_FOR);
        if (remote != null && remote.hostAddress() != null) {
            headers.set(X_FORWARDED_FOR, prior == null ? remote.hostAddress() : prior + ", " + remote.hostAddress());
        }
        headers.set(X_FORWARDED_PROTO, request.scheme() == null ? "http" : request.scheme());
        String host = request.getHeader(HttpHeaders.HOST);
        HostAndPort authority = request.authority();
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        } else if (authority != null) {
            headers.set(X_FORWARDED_HOST, authority.toString());
        }
    }

    /** The backend answered: status line, headers, then the body, streamed. */
    private void answer(HttpClientResponse in) {
        if (clientGone) {
            outbound.reset();
            return;
        }
        response.setStatusCode(in.statusCode());
        if (in.statusMessage() != null) {
            response.setStatusMessage(in.statusMessage());
        }
        MultiMap headers = response.headers();
        Headers.copyResponse(in.headers(), headers);
        String via = Headers.joined(in.headers(), VIA);
        headers.set(VIA, via == null ? OUR_VIA : via + ", " + OUR_VIA);
        if (!headers.contains(HttpHeaders.DATE)) {
            headers.set(HttpHeaders.DATE, HttpDate.now());
        }
        if (in.statusCode() == 101 && isWebSocketUpgrade()) {
            tunnel(in);
            return;
        }
        if (isWebSocketUpgrade()) {
            request.resume(); // a refused handshake: answered like any request, with its headers and body
        }
        boolean bodiless = request.method() == HttpMethod.HEAD || in.statusCode() == 204 || in.statusCode() == 304
                || in.statusCode() < 200;
        if (!bodiless && !headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            if (request.version() == HttpVersion.HTTP_1_0) {
                // An HTTP/1.0 client knows no chunks: the body streams as it comes and its end is the connection's.
                headers.set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            } else {
                response.setChunked(true);
            }
        }
        in.pipe().endOnFailure(false).to(response).onFailure(failure -> response.reset());
    }

    /** A WebSocket the backend accepted: from now on raw bytes both ways until either side closes. */
    private void tunnel(HttpClientResponse in) {
        response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
        response.headers().set(HttpHeaders.UPGRADE, in.getHeader(HttpHeaders.UPGRADE));
        NetSocket backend = in.netSocket();
        request.toNetSocket().onComplete(result -> {
            if (result.failed()) {
                backend.close();
                return;
            }
            NetSocket client = result.result();
            client.pipeTo(backend);
            backend.pipeTo(client);
        });
    }

    private void fail(Throwable failure) {
        if (clientGone) {
            return;
        }
        if (decision instanceof Forward forward && !tried.isEmpty()) {
            forwarder.backends().noteFailure(tried.getLast(), failure);
            if (retriable(failure) && tried.size() < Math.min(MAX_BACKENDS, forward.pool().size())) {
                outbound = null;
                open();
                return;
            }
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        request.resume(); // what is left of its body is read and dropped
        ErrorReplies.send(response, ErrorReplies.proxyFailure(decision, failure));
    }

    /** Whether the request may go to another backend after {@code failure} on one that was sent it. */
    private boolean retriable(Throwable failure) {
        if (failure instanceof BackendsUnreachable) {
            return false; // the connector already tried the others it could
        }
        return !(failure instanceof TimeoutException) && !bodySent && IDEMPOTENT.contains(request.method())
                && !response.headWritten();
    }

    private boolean isWebSocketUpgrade() {
        return decision instanceof Forward && request.canUpgradeToWebSocket() && forwarder.webSockets();
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.equals("0");
        }
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }
}
