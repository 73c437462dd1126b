package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.RequestFacts;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/** Per web request: routed by host, path, the environment and testbed headers and the client cookie. */
final class GatewayHandler extends RoutingHandler {
    private static final CharSequence X_APOLLO_TESTBED = HttpHeaders.createOptimized("x-apollo-testbed");
    private static final String CLIENT_COOKIE_ATTRIBUTES = "; Path=/; Max-Age=31536000; SameSite=Lax";

    private final RouteResolver resolver;

    GatewayHandler(Supplier<RouteSnapshot> routes, RouteResolver resolver, Forwarder forwarder) {
        super(routes, forwarder);
        this.resolver = resolver;
    }

    @Override
    Decision resolve(RouteSnapshot routes, HttpServerRequest request) {
        return resolver.resolve(routes, new RequestFacts(
                host(request),
                request.path(),
                request.getHeader(Exchange.X_APOLLO_ENV),
                request.getHeader(X_APOLLO_TESTBED),
                request.getHeader(HttpHeaders.COOKIE)));
    }

    /** A client the testbed split has just placed keeps its side: it gets the id it was placed by. */
    @Override
    void beforeProxying(HttpServerRequest request, Proxied decision) {
        if (decision instanceof Forward forward && !forward.newClientId().isEmpty()) {
            request.response().headers().add(HttpHeaders.SET_COOKIE,
                    RouteResolver.CLIENT_COOKIE + "=" + forward.newClientId() + CLIENT_COOKIE_ATTRIBUTES);
        }
    }
}
