package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RpcRequestFacts;
import dev.apollo.routing.RpcResolver;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.function.Supplier;

/** Per RPC request: routed by host, path, query, the environment header and baggage. */
final class RpcHandler extends RoutingHandler {
    private static final CharSequence BAGGAGE = HttpHeaders.createOptimized("baggage");

    private final RpcResolver resolver;

    RpcHandler(Supplier<RouteSnapshot> routes, RpcResolver resolver, Forwarder forwarder) {
        super(routes, forwarder);
        this.resolver = resolver;
    }

    @Override
    Decision resolve(RouteSnapshot routes, HttpServerRequest request) {
        return resolver.resolve(routes, new RpcRequestFacts(
                host(request),
                request.path(),
                request.query(),
                request.getHeader(Exchange.X_APOLLO_ENV),
                baggage(request)));
    }

    /** W3C allows several baggage headers; they mean one list. */
    private static String baggage(HttpServerRequest request) {
        List<String> all = request.headers().getAll(BAGGAGE);
        return all.size() < 2 ? request.getHeader(BAGGAGE) : String.join(",", all);
    }
}
