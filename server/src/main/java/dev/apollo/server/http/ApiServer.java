package dev.apollo.server.http;

import dev.apollo.api.Views.LeadershipView;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import dev.apollo.server.ServerConfig;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.EventBus;
import dev.apollo.server.control.RouteFeed;
import dev.apollo.server.dashboard.DashboardGate;
import dev.apollo.server.dashboard.Sessions;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The REST API on Jetty ({@link HttpListener}), one virtual thread per request (event streams hold theirs). */
public final class ApiServer implements AutoCloseable {
    private final HttpListener server;

    public record Parts(
            ServerConfig config, String token, Controller controller, Store store, Scheduler scheduler,
            ArtifactStore artifacts, EventBus events, RouteFeed routes, Clock clock,
            SystemApi.ServerInfoSource info, Runnable shutdown, GatewayInfo gateway, Standing standing) {}

    /** Whether this control plane serves the API: all of it when it leads, only who leads when it stands by. */
    public interface Standing {
        /** The refusal for requests a standby does not serve; empty while this control plane leads. */
        Optional<ApolloException.NotLeader> standingBy();

        LeadershipView view();

        /** Whether this control plane leads (or runs alone) right now, by what it knows without asking the store. */
        default boolean leads() {
            return standingBy().isEmpty();
        }
    }

    public ApiServer(Parts parts) {
        Router router = new Router(parts.token()).gate((method, path) -> standbyServes(method, path)
                ? Optional.empty() : parts.standing().standingBy());
        ServiceApi services = new ServiceApi(parts.controller(), parts.store(), parts.config(), parts.clock());
        services.register(router);
        new SystemApi(parts.info(), parts.shutdown()).register(router);
        router.add("GET", "/v1/leadership", call -> call.json(200, parts.standing().view()));
        new ArtifactApi(parts.artifacts(), parts.scheduler()).register(router);
        new EventApi(parts.events()).register(router);
        new LogApi(parts.controller(), parts.scheduler(), services).register(router);
        new RouteApi(parts.controller(), parts.routes(), services, parts.clock(), parts.standing()::leads).register(router);
        new EnvironmentApi(parts.controller(), parts.store(), services, parts.clock()).register(router);
        if (parts.gateway() != null) {
            // Until the control plane wires its gateway in, /v1/gateway is a plain 404, as on an older server.
            new GatewayApi(parts.gateway()).register(router);
        }
        Sessions sessions = new Sessions(parts.clock());
        try {
            server = new HttpListener(parts.config().listen(), new DashboardGate(router, sessions, parts.token()),
                    parts.config().apiLimits());
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot listen on " + parts.config().listen() + ": " + e.getCause().getMessage()
                    + " (is another control plane using that port? choose another with --listen)", e.getCause());
        }
        // Added once the listener is bound: a login link names the address it got.
        new DashboardApi(sessions, parts.events(), server.address()).register(router);
    }

    /**
     * What a standby answers itself: who it is, who leads, a stop, and the reads that come straight from
     * the shared store (environments, a service's history, the event log). Everything else is the
     * leader's: instances and routes live in its controller's memory, and writes need its lease.
     */
    private static boolean standbyServes(String method, String path) {
        if (method.equals("POST")) {
            return path.equals("/v1/shutdown");
        }
        return method.equals("GET") && (STANDBY_READS.contains(path) || HISTORY.matcher(path).matches());
    }

    private static final Set<String> STANDBY_READS = Set.of("/v1/info", "/v1/leadership",
            "/v1/environments", "/v1/events");
    private static final Pattern HISTORY = Pattern.compile(
            "/v1/environments/[^/]+/services/[^/]+/history");

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
