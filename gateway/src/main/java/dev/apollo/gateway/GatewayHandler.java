package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.RequestFacts;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/** Per web request: routed by host, path, the environment and testbed headers and the client cookie. */
final class GatewayHandler extends RoutingHandler {
    private static final AsciiString X_APOLLO_TESTBED = AsciiString.cached("x-apollo-testbed");
    private static final String CLIENT_COOKIE_ATTRIBUTES = "; Path=/; Max-Age=31536000; SameSite=Lax";

    private final RouteResolver resolver;

    GatewayHandler(Supplier<RouteSnapshot> routes, RouteResolver resolver) {
        super(routes);
        this.resolver = resolver;
    }

    @Override
    Decision resolve(RouteSnapshot routes, HttpRequest request) {
        HttpHeaders headers = request.headers();
        return resolver.resolve(routes, new RequestFacts(
                host(request),
                path(originForm(request.uri())),
                headers.get(ProxyExchange.X_APOLLO_ENV),
                headers.get(X_APOLLO_TESTBED),
                headers.get(HttpHeaderNames.COOKIE)));
    }

    /** A client the testbed split has just placed keeps its side: it gets the id it was placed by. */
    @Override
    String setCookie(Proxied decision) {
        if (decision instanceof Forward forward && !forward.newClientId().isEmpty()) {
            return RouteResolver.CLIENT_COOKIE + "=" + forward.newClientId() + CLIENT_COOKIE_ATTRIBUTES;
        }
        return null;
    }

    @Override
    boolean webSockets() {
        return true;
    }
}
