package dev.apollo.server;

import dev.apollo.api.RouteTableView;
import dev.apollo.core.ApolloException;
import dev.apollo.gateway.nginx.NginxConfig;
import dev.apollo.routing.GatewayException;
import dev.apollo.server.control.RouteFeed;
import java.util.Optional;
import java.util.function.Function;

/**
 * The nginx.conf the current route table renders to, whole or one environment's part: what
 * {@code apollo gateway config} shows, whichever gateway runs. Each gateway says how it renders.
 */
final class RenderedConfig {
    private final RouteFeed routes;
    private final Function<RouteTableView, NginxConfig> render;

    RenderedConfig(RouteFeed routes, Function<RouteTableView, NginxConfig> render) {
        this.routes = routes;
        this.render = render;
    }

    /**
     * An environment the table lacks is a 404. A table that cannot be rendered is the platform's
     * bug, not the caller's, so it is no 4xx.
     */
    String text(Optional<String> environment) {
        RouteTableView table = routes.current();
        String name = environment.orElse("");
        if (!name.isEmpty() && table.environments().stream().noneMatch(e -> e.name().equals(name))) {
            throw new ApolloException.NotFound("no environment " + name + " in the route table; see them with: apollo env list");
        }
        NginxConfig config;
        try {
            config = render.apply(table);
        } catch (GatewayException e) {
            throw new IllegalStateException("the route table cannot be rendered for nginx: " + e.getMessage(), e);
        }
        return name.isEmpty() ? config.text() : config.forEnvironment(name);
    }
}
