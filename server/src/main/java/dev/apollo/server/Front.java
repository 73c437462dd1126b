package dev.apollo.server;

import dev.apollo.api.RouteTableView;
import dev.apollo.core.ApolloException;
import dev.apollo.gateway.nginx.NginxConfig;
import dev.apollo.routing.GatewayException;
import dev.apollo.server.control.TrafficSync;
import dev.apollo.server.http.GatewayInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** The gateway in front of the instances, whichever kind runs: where it listens, what it tells, how it stops. */
interface Front extends GatewayInfo {
    /** Where web traffic is served, HOST:PORT. */
    String webAddress();

    /** Where RPC calls are served, HOST:PORT; instances get it as RPC_INT. */
    String rpcAddress();

    TrafficSync trafficSync();

    /** {@code apollo down}: the gateway finishes what it serves, then exits. */
    void stop(Duration grace);

    /** The control plane stops; the gateway keeps serving for the next one to adopt. */
    void close();

    /**
     * The configuration {@code render} makes of the table, or one environment's part of it; an
     * environment the table lacks is a 404. A table that cannot be rendered is the platform's bug,
     * not the caller's, so it is no 4xx.
     */
    static String config(Function<RouteTableView, NginxConfig> render, RouteTableView table, Optional<String> environment) {
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
