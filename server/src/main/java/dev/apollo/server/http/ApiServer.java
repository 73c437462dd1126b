package dev.apollo.server.http;

import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import dev.apollo.server.ServerConfig;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.EventBus;
import dev.apollo.server.control.RouteFeed;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/** The REST API on Jetty ({@link HttpListener}), one virtual thread per request (event streams hold theirs). */
public final class ApiServer implements AutoCloseable {
    private final HttpListener server;

    public record Parts(
            ServerConfig config, String token, Controller controller, Store store, Scheduler scheduler,
            ArtifactStore artifacts, EventBus events, RouteFeed routes, Clock clock,
            SystemApi.ServerInfoSource info, Runnable shutdown, GatewayInfo gateway) {}

    public ApiServer(Parts parts) {
        Router router = new Router(parts.token());
        ServiceApi services = new ServiceApi(parts.controller(), parts.store(), parts.artifacts(), parts.config(), parts.clock());
        services.register(router);
        new SystemApi(parts.info(), parts.shutdown()).register(router);
        new ArtifactApi(parts.artifacts()).register(router);
        new EventApi(parts.events()).register(router);
        new LogApi(parts.controller(), parts.scheduler(), services).register(router);
        new RouteApi(parts.controller(), parts.routes(), services, parts.clock()).register(router);
        new EnvironmentApi(parts.controller(), parts.store(), services, parts.clock()).register(router);
        if (parts.gateway() != null) {
            // Until the control plane wires its gateway in, /v1/gateway is a plain 404, as on an older server.
            new GatewayApi(parts.gateway()).register(router);
        }
        try {
            server = new HttpListener(parts.config().listen(), router, parts.config().apiLimits());
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot listen on " + parts.config().listen() + ": " + e.getCause().getMessage()
                    + " (is another control plane using that port? choose another with --listen)", e.getCause());
        }
    }

    public void start() {
        server.start();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
