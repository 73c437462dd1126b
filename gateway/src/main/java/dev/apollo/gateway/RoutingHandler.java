package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Reject;
import dev.apollo.routing.RouteSnapshot;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.function.Supplier;

/**
 * Per request on a listener: resolve it against the current snapshot, then answer or proxy. The
 * web and RPC listeners differ only in what they read of a request and which resolver reads it.
 */
abstract class RoutingHandler implements Handler<HttpServerRequest> {
    private final Supplier<RouteSnapshot> routes;
    private final Forwarder forwarder;

    RoutingHandler(Supplier<RouteSnapshot> routes, Forwarder forwarder) {
        this.routes = routes;
        this.forwarder = forwarder;
    }

    @Override
    public final void handle(HttpServerRequest request) {
        if (ProtocolErrors.refusedForHost(request)) {
            return;
        }
        switch (resolve(routes.get(), request)) {
            case Reject reject -> ErrorReplies.send(request.response(), reject);
            case Proxied proxied -> {
                beforeProxying(request, proxied);
                forwarder.forward(request, proxied);
            }
        }
    }

    abstract Decision resolve(RouteSnapshot routes, HttpServerRequest request);

    /** What the answer needs besides the backend's, set before the request leaves. */
    void beforeProxying(HttpServerRequest request, Proxied decision) {}

    /** The host the request is for, without port; "" when it names none. */
    static String host(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        return authority == null ? "" : authority.host();
    }
}
