package dev.apollo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.api.Views.GatewayView;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.gateway.nginx.Nginx;
import dev.apollo.gateway.nginx.NginxGateway;
import dev.apollo.gateway.nginx.NginxRenderer;
import dev.apollo.gateway.nginx.NginxSettings;
import dev.apollo.routing.AtomicFiles;
import dev.apollo.routing.GatewayException;
import dev.apollo.server.control.EventBus;
import dev.apollo.server.control.RouteFeed;
import dev.apollo.server.control.TrafficSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real nginx as the gateway, its configuration rendered from the route table. nginx's trouble
 * (a refused configuration, a master that died) goes to the event stream and to {@code status}.
 * Like the embedded gateway it writes {@code gateway.json} (pid, web, rpc), so whoever looks for
 * the gateway finds it the same way, and so an adopted nginx keeps the ports it was given.
 */
final class NginxFront implements Front {
    private final NginxGateway gateway;
    private final RenderedConfig config;

    private NginxFront(NginxGateway gateway, RouteFeed routes) {
        this.gateway = gateway;
        this.config = new RenderedConfig(routes, gateway::configFor);
    }

    static NginxFront start(ServerConfig config, RouteFeed routes, EventBus events, Clock clock) {
        Nginx nginx = Nginx.locate(config.nginx());
        Path stateFile = Front.stateFile(config.home());
        boolean adopting = nginx.master(settings(config, "", Optional.empty())).isPresent();
        String web = address(config.gateway().orElseThrow(), adopting ? previous(stateFile, "web") : Optional.empty());
        String rpc = address(config.rpc(), adopting ? previous(stateFile, "rpc") : Optional.empty());
        NginxSettings settings = settings(config, web, Optional.of(rpc));
        NginxGateway.Listener listener = new NginxGateway.Listener() {
            @Override
            public void trouble(String message) {
                events.publish(event(clock, EventType.GATEWAY_ERROR, message));
            }

            @Override
            public void recovered(String message) {
                events.publish(event(clock, EventType.GATEWAY_RECOVERED, message));
            }
        };
        NginxGateway gateway = NginxGateway.start(nginx, new NginxRenderer(settings, nginx.luaModules()), routes, listener,
                clock, NginxGateway.Options.defaults().withLogs(config.logs()));
        writeState(stateFile, nginx.master(settings).map(ProcessHandle::pid).orElse(0L), web, rpc);
        return new NginxFront(gateway, routes);
    }

    /**
     * nginx's settings for this data dir. Its workers run as the user that runs Apollo, except when
     * that is root: then as an unprivileged user (the master stays root to bind the ports).
     */
    static NginxSettings settings(ServerConfig config, String web, Optional<String> rpc) {
        NginxSettings defaults = NginxSettings.defaults(config.home().toAbsolutePath().resolve("nginx"), web, rpc, config.domain());
        boolean root = "root".equals(System.getProperty("user.name"));
        return new NginxSettings(defaults.directory(), web, rpc, defaults.domain(), defaults.rpcSuffix(), defaults.workers(),
                defaults.connectTimeout(), defaults.backendTimeout(), defaults.externalTimeout(),
                defaults.workerShutdownTimeout(), root ? Optional.of(Nginx.unprivilegedUser()) : Optional.empty());
    }

    /** Stops an nginx this data dir started earlier, when the embedded gateway is to take its ports. */
    static void stopLeftover(ServerConfig config) {
        NginxSettings settings = settings(config, "", Optional.empty());
        try {
            Nginx.locate(config.nginx()).master(settings).ifPresent(master -> Nginx.stop(master, Duration.ofSeconds(5)));
        } catch (GatewayException e) {
            // no nginx binary: no nginx of ours can be running either
        }
    }

    @Override
    public String webAddress() {
        return gateway.settings().web();
    }

    @Override
    public String rpcAddress() {
        return gateway.settings().rpc().orElse("");
    }

    @Override
    public TrafficSync trafficSync() {
        return gateway::servesTableOf;
    }

    @Override
    public GatewayView view() {
        NginxGateway.Status status = gateway.status();
        return new GatewayView("nginx", webAddress(), rpcAddress(), status.binary(), status.version(),
                status.appliedRoutesVersion(), status.appliedDigest(), status.appliedAt(), status.reloads(),
                status.lastApplyMs(), status.retiringWorkers(), status.lastError(), status.lastErrorAt());
    }

    @Override
    public String config(Optional<String> environment) {
        return config.text(environment);
    }

    @Override
    public void stop(Duration grace) {
        gateway.stop(grace);
    }

    @Override
    public void close() {
        gateway.close();
    }

    private static Event event(Clock clock, EventType type, String message) {
        return Event.about(clock.instant(), type, EnvironmentName.PRODUCTION, Optional.empty(), message);
    }

    /**
     * HOST:PORT as configured; for port 0 the address the adopted nginx already serves, else a free
     * port picked here: nginx cannot tell which port it got.
     */
    private static String address(String hostPort, Optional<String> adopted) {
        int colon = hostPort.lastIndexOf(':');
        if (!hostPort.substring(colon + 1).equals("0")) {
            return hostPort;
        }
        if (adopted.isPresent()) {
            return adopted.get();
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return hostPort.substring(0, colon) + ":" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for nginx: " + e.getMessage(), e);
        }
    }

    private static Optional<String> previous(Path stateFile, String field) {
        try {
            JsonNode state = Json.mapper().readTree(stateFile.toFile());
            return state.path("kind").asText().equals("nginx") && state.hasNonNull(field)
                    ? Optional.of(state.get(field).asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeState(Path stateFile, long pid, String web, String rpc) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("kind", "nginx");
        state.put("pid", pid);
        state.put("web", web);
        state.put("rpc", rpc);
        try {
            AtomicFiles.write(stateFile, Json.mapper().writeValueAsBytes(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile + ": " + e.getMessage(), e);
        }
    }
}
