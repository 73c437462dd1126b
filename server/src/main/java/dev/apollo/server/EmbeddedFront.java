package dev.apollo.server;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.gateway.nginx.NginxRenderer;
import dev.apollo.server.control.RouteFeed;
import dev.apollo.server.control.TrafficSync;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded gateway (processes of its own, kept running by a {@link GatewaySupervisor}). It can still show the nginx.conf the same table renders
 * to, for operators who run nginx in front themselves.
 */
final class EmbeddedFront implements Front {
    private final GatewaySupervisor process;
    private final RenderedConfig config;

    EmbeddedFront(GatewaySupervisor process, RouteFeed routes, NginxRenderer renderer) {
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
        GatewaySupervisor.Status status = process.status();
        return new GatewayView("embedded", process.webAddress(), process.rpcAddress(), null, null, null, null, null, null, null,
                null, status.lastError(), status.lastErrorAt(), status.state(), status.pids(), status.serving(),
                status.restarts());
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
        // The gateway processes live on; the next control plane adopts them.
        process.close();
    }
}
