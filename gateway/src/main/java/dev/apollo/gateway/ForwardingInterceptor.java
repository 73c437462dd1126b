package dev.apollo.gateway;

import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The proxy's only interceptor: attaches the routing decision to the proxy context, rewrites the
 * URI when the decision says so (RPC), sets the headers a backend is owed, and turns failures into
 * our JSON errors (the proxy would answer a bare 502).
 *
 * <p>Toward our backends it adds X-Forwarded-* and sets {@code X-Apollo-Env} to the environment
 * the request was resolved in, replacing whatever the client sent: a service learns its caller's
 * environment from it, and its own outgoing calls carry it on. When a fallback environment's
 * service serves the request, the header still names the requested environment, so that the next
 * call of the chain lands in the requested environment wherever that one has the service.
 *
 * <p>Toward an external (a 3rd party, outside the platform) it adds neither, and removes
 * {@code X-Apollo-Env}: our environment names and internal addresses are none of its business.
 */
final class ForwardingInterceptor implements ProxyInterceptor {
    static final String ROUTE = "apollo.route";
    static final CharSequence X_APOLLO_ENV = HttpHeaders.createOptimized("x-apollo-env");
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");

    private final Handoff handoff;

    ForwardingInterceptor(Handoff handoff) {
        this.handoff = handoff;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        Proxied route = handoff.take();
        if (route == null) {
            return Future.failedFuture(new IllegalStateException("no routing decision was handed to the proxy"));
        }
        context.set(ROUTE, route);
        ProxyRequest request = context.request();
        if (!route.uri().isEmpty()) {
            request.setURI(route.uri());
        }
        switch (route) {
            case Forward forward -> {
                addForwardedHeaders(request.proxiedRequest(), request.headers());
                request.headers().set(X_APOLLO_ENV, forward.environment());
            }
            case ToExternal external -> request.headers().remove(X_APOLLO_ENV);
        }
        if (context.isWebSocket()) {
            // The proxy's WebSocket path cannot send a response it did not receive; it answers 502 itself.
            return context.sendRequest();
        }
        return context.sendRequest().recover(failure -> Future.succeededFuture(
                ErrorReplies.asProxyResponse(context, ErrorReplies.proxyFailure(route, failure))));
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
