package dev.apollo.server;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.gateway.nginx.NginxRenderer;
import dev.apollo.server.control.RouteFeed;
import dev.apollo.server.control.TrafficSync;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded gateway (its own process). It can still show the nginx.conf the same table renders
 * to, for operators who run nginx in front themselves.
 */
final class EmbeddedFront implements Front {
    private final GatewayProcess process;
    private final RenderedConfig config;

    EmbeddedFront(GatewayProcess process, RouteFeed routes, NginxRenderer renderer) {
        this.process = process;
        this.config = new RenderedConfig(routes, renderer::render);
    }

    @Override
    public String webAddress() {
        return process.webAddress();
    }

    @Override
    public String rpcAddress() {
        return process.rpcAddress();
    }

    @Override
    public TrafficSync trafficSync() {
        return TrafficSync.IMMEDIATE;
    }

    @Override
    public GatewayView view() {
        return new GatewayView("embedded", process.webAddress(), process.rpcAddress(), null, null, null, null, null, null, null,
                null, null, null);
    }

    @Override
    public String config(Optional<String> environment) {
        return config.text(environment);
    }

    @Override
    public void stop(Duration grace) {
        process.stop(grace);
    }

    @Override
    public void close() {
        // The gateway process lives on; the next control plane adopts it.
    }
}
