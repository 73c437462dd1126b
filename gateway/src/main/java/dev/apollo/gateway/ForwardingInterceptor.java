package dev.apollo.gateway;

import dev.apollo.gateway.Decision.Forward;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The proxy's only interceptor: attaches the routing decision to the proxy context, adds the
 * X-Forwarded-* headers, and turns backend failures into our JSON errors (the proxy would answer
 * a bare 502).
 */
final class ForwardingInterceptor implements ProxyInterceptor {
    static final String FORWARD = "apollo.forward";
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");

    private final Handoff handoff;

    ForwardingInterceptor(Handoff handoff) {
        this.handoff = handoff;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        Forward forward = handoff.take();
        if (forward == null) {
            return Future.failedFuture(new IllegalStateException("no routing decision was handed to the proxy"));
        }
        context.set(FORWARD, forward);
        addForwardedHeaders(context.request().proxiedRequest(), context.request().headers());
        if (context.isWebSocket()) {
            // The proxy's WebSocket path cannot send a response it did not receive; it answers 502 itself.
            return context.sendRequest();
        }
        return context.sendRequest().recover(failure -> Future.succeededFuture(
                ErrorReplies.asProxyResponse(context, ErrorReplies.backendFailure(forward.pool(), failure))));
    }

    private static void addForwardedHeaders(HttpServerRequest request, MultiMap headers) {
        SocketAddress remote = request.remoteAddress();
        if (remote != null && remote.hostAddress() != null) {
            String prior = headers.get(X_FORWARDED_FOR);
            headers.set(X_FORWARDED_FOR, prior == null ? remote.hostAddress() : prior + ", " + remote.hostAddress());
        }
        headers.set(X_FORWARDED_PROTO, request.scheme() == null ? "http" : request.scheme());
        String host = request.getHeader(HttpHeaders.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
    }
}
