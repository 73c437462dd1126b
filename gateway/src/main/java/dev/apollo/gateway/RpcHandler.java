package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RpcRequestFacts;
import dev.apollo.routing.RpcResolver;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/** Per RPC request: routed by host, path, query, the environment header and baggage. */
final class RpcHandler extends RoutingHandler {
    private static final AsciiString BAGGAGE = AsciiString.cached("baggage");

    private final RpcResolver resolver;

    RpcHandler(Supplier<RouteSnapshot> routes, RpcResolver resolver) {
        super(routes);
        this.resolver = resolver;
    }

    @Override
    Decision resolve(RouteSnapshot routes, HttpRequest request) {
        String target = originForm(request.uri());
        return resolver.resolve(routes, new RpcRequestFacts(
                host(request),
                path(target),
                query(target),
                request.headers().get(ProxyExchange.X_APOLLO_ENV),
                // W3C allows several baggage headers; they mean one list.
                HopByHop.joined(request.headers(), BAGGAGE)));
    }

    @Override
    boolean webSockets() {
        return false;
    }
}
