package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Reject;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RpcRequestFacts;
import dev.apollo.routing.RpcResolver;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.httpproxy.HttpProxy;
import java.util.List;
import java.util.function.Supplier;

/** Per RPC request: read the facts, resolve against the current snapshot, then answer or proxy. */
final class RpcHandler implements Handler<HttpServerRequest> {
    private static final CharSequence BAGGAGE = HttpHeaders.createOptimized("baggage");

    private final Supplier<RouteSnapshot> routes;
    private final RpcResolver resolver;
    private final HttpProxy proxy;
    private final Handoff handoff;

    RpcHandler(Supplier<RouteSnapshot> routes, RpcResolver resolver, HttpProxy proxy, Handoff handoff) {
        this.routes = routes;
        this.resolver = resolver;
        this.proxy = proxy;
        this.handoff = handoff;
    }

    @Override
    public void handle(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        RpcRequestFacts facts = new RpcRequestFacts(
                authority == null ? "" : authority.host(),
                request.path(),
                request.query(),
                request.getHeader(ForwardingInterceptor.X_APOLLO_ENV),
                baggage(request));
        Decision decision = resolver.resolve(routes.get(), facts);
        if (decision instanceof Reject reject) {
            ErrorReplies.send(request.response(), reject);
            return;
        }
        handoff.proxy(proxy, request, (Proxied) decision);
    }

    /** W3C allows several baggage headers; they mean one list. */
    private static String baggage(HttpServerRequest request) {
        List<String> all = request.headers().getAll(BAGGAGE);
        return all.size() < 2 ? request.getHeader(BAGGAGE) : String.join(",", all);
    }
}
