package dev.apollo.gateway;

import dev.apollo.api.RouteTableView;
import dev.apollo.routing.Backend;
import dev.apollo.routing.GatewayException;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RouteSubscription;
import dev.apollo.routing.RpcResolver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The embedded gateway: listens for web traffic and for RPC calls, routes both by the current
 * route table, and follows the control plane for new tables. A table is compiled once and swapped
 * in with one reference write, so requests in flight finish on the table they started with and no
 * request sees half a table.
 */
public final class Gateway implements AutoCloseable {
    private final ProxyServer server;
    private final Balancer balancer;
    private final AtomicReference<RouteSnapshot> routes;
    private final int webPort;
    private final OptionalInt rpcPort;
    private final Optional<StateFile> stateFile;
    private final Optional<RoutesCache> cache;
    private final Optional<RouteSubscription> subscription;

    private Gateway(GatewayConfig config, ProxyServer server, Balancer balancer, AtomicReference<RouteSnapshot> routes,
            int webPort, OptionalInt rpcPort) {
        this.server = server;
        this.balancer = balancer;
        this.routes = routes;
        this.webPort = webPort;
        this.rpcPort = rpcPort;
        this.stateFile = config.stateFile().map(file -> new StateFile(file, StateFile.address(config.webHost(), webPort),
                rpcPort.stream().mapToObj(port -> StateFile.address(config.rpcHost(), port)).findFirst()));
        this.cache = config.routesCache().map(RoutesCache::new);
        Optional<Supplier<Optional<URI>>> own = config.control().map(control -> (Supplier<Optional<URI>>) () -> Optional.of(control))
                .or(() -> config.controlFile().map(ControlFile::new).map(file -> (Supplier<Optional<URI>>) file::url));
        Optional<PeersFile> peers = config.peersFile().map(PeersFile::new);
        this.subscription = own.map(control -> (Supplier<List<URI>>) () -> Stream.concat(control.get().stream(),
                        peers.map(PeersFile::peers).orElse(List.of()).stream()).distinct().toList())
                .map(control -> new RouteSubscription(control, config.tokenFile(), this::apply,
                        message -> System.err.println("apollo-gateway: " + message)));
    }

    /** Starts listening (and following the control plane, if configured); returns once the ports are bound. */
    public static Gateway start(GatewayConfig config) {
        AtomicReference<RouteSnapshot> routes = new AtomicReference<>(RouteSnapshot.EMPTY);
        Optional<RouteTableView> cached = config.routesCache().flatMap(file -> new RoutesCache(file).load());
        cached.ifPresent(table -> routes.set(compileCached(table)));

        Balancer balancer = new Balancer(System::nanoTime, config.ejection().toNanos());
        RouteResolver resolver = new RouteResolver(config.domain(), Gateway::newClientId);
        RpcResolver rpcResolver = new RpcResolver(config.rpcSuffix());
        ProxyServer server = new ProxyServer(config);
        Gateway gateway;
        try {
            int webPort = server.listen(new ProxyServer.Listen(config.webHost(), config.webPort(), "--web"),
                    new GatewayHandler(routes::get, resolver), balancer);
            OptionalInt rpcPort = config.rpcEnabled()
                    ? OptionalInt.of(server.listen(new ProxyServer.Listen(config.rpcHost(), config.rpcPort(), "--rpc"),
                            new RpcHandler(routes::get, rpcResolver), balancer))
                    : OptionalInt.empty();
            gateway = new Gateway(config, server, balancer, routes, webPort, rpcPort);
        } catch (RuntimeException e) {
            server.close(); // the message already names the listener, the port and the flag
            throw e;
        }
        gateway.writeState();
        gateway.subscription.ifPresent(RouteSubscription::start);
        return gateway;
    }

    /** The port it listens on (the OS-chosen one when configured with port 0). */
    public int webPort() {
        return webPort;
    }

    /**
     * The RPC port (the OS-chosen one when configured with port 0).
     *
     * @throws IllegalStateException when started without an RPC listener
     */
    public int rpcPort() {
        return rpcPort.orElseThrow(() -> new IllegalStateException("this gateway has no RPC listener (started with --rpc none)"));
    }

    /** Version of the table being served; 0 before the first one. */
    public long routesVersion() {
        return routes.get().version();
    }

    /**
     * Compiles and serves {@code table}. An invalid table throws {@link GatewayException} and the
     * current one stays.
     */
    public synchronized void apply(RouteTableView table) {
        RouteSnapshot compiled = RouteSnapshot.compile(table);
        RouteSnapshot previous = routes.getAndSet(compiled);
        cache.ifPresent(c -> {
            try {
                c.save(table);
            } catch (IOException e) {
                System.err.println("apollo-gateway: cannot save the routes cache: " + e.getMessage());
            }
        });
        if (previous.version() != compiled.version()) {
            writeState();
        }
    }

    /** Whether the backend at {@code address} is skipped after refusing a connection (for tests). */
    boolean isEjected(String address) {
        return balancer.isEjected(Backend.parse("", address));
    }

    @Override
    public void close() {
        subscription.ifPresent(RouteSubscription::close);
        server.close();
    }

    private void writeState() {
        stateFile.ifPresent(file -> {
            try {
                file.write(routesVersion());
            } catch (IOException e) {
                System.err.println("apollo-gateway: cannot write the state file: " + e.getMessage());
            }
        });
    }

    private static RouteSnapshot compileCached(RouteTableView table) {
        try {
            return RouteSnapshot.compile(table);
        } catch (GatewayException e) {
            System.err.println("apollo-gateway: ignoring the cached route table: " + e.getMessage());
            return RouteSnapshot.EMPTY;
        }
    }

    private static String newClientId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
