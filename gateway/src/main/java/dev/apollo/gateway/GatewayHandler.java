package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Reject;
import dev.apollo.routing.RequestFacts;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.httpproxy.HttpProxy;
import java.util.function.Supplier;

/** Per web request: read the facts, resolve against the current snapshot, then answer or proxy. */
final class GatewayHandler implements Handler<HttpServerRequest> {
    private static final CharSequence X_APOLLO_TESTBED = HttpHeaders.createOptimized("x-apollo-testbed");
    private static final String CLIENT_COOKIE_ATTRIBUTES = "; Path=/; Max-Age=31536000; SameSite=Lax";

    private final Supplier<RouteSnapshot> routes;
    private final RouteResolver resolver;
    private final HttpProxy proxy;
    private final Handoff handoff;

    GatewayHandler(Supplier<RouteSnapshot> routes, RouteResolver resolver, HttpProxy proxy, Handoff handoff) {
        this.routes = routes;
        this.resolver = resolver;
        this.proxy = proxy;
        this.handoff = handoff;
    }

    @Override
    public void handle(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        RequestFacts facts = new RequestFacts(
                authority == null ? "" : authority.host(),
                request.path(),
                request.getHeader(ForwardingInterceptor.X_APOLLO_ENV),
                request.getHeader(X_APOLLO_TESTBED),
                request.getHeader(HttpHeaders.COOKIE));
        Decision decision = resolver.resolve(routes.get(), facts);
        if (decision instanceof Reject reject) {
            ErrorReplies.send(request.response(), reject);
            return;
        }
        Forward forward = (Forward) decision;
        if (!forward.newClientId().isEmpty()) {
            request.response().headers().add(HttpHeaders.SET_COOKIE,
                    RouteResolver.CLIENT_COOKIE + "=" + forward.newClientId() + CLIENT_COOKIE_ATTRIBUTES);
        }
        handoff.proxy(proxy, request, forward);
    }
}
