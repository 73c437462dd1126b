package dev.apollo.gateway;

import dev.apollo.api.RouteTableView;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The embedded web gateway: listens, routes by the current route table, and follows the control
 * plane for new tables. A table is compiled once and swapped in with one reference write, so
 * requests in flight finish on the table they started with and no request sees half a table.
 */
public final class Gateway implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final Balancer balancer;
    private final AtomicReference<RouteSnapshot> routes;
    private final int webPort;
    private final Optional<StateFile> stateFile;
    private final Optional<RoutesCache> cache;
    private final Optional<RouteSubscription> subscription;

    private Gateway(GatewayConfig config, Vertx vertx, Balancer balancer, AtomicReference<RouteSnapshot> routes,
            int webPort) {
        this.vertx = vertx;
        this.balancer = balancer;
        this.routes = routes;
        this.webPort = webPort;
        this.stateFile = config.stateFile().map(file -> new StateFile(file, config.webHost(), webPort));
        this.cache = config.routesCache().map(RoutesCache::new);
        this.subscription = config.control().map(control -> (Supplier<Optional<URI>>) () -> Optional.of(control))
                .or(() -> config.controlFile().map(ControlFile::new).map(file -> (Supplier<Optional<URI>>) file::url))
                .map(control -> new RouteSubscription(control, config.tokenFile(), this::apply));
    }

    /** Starts listening (and following the control plane, if configured); returns once the port is bound. */
    public static Gateway start(GatewayConfig config) {
        AtomicReference<RouteSnapshot> routes = new AtomicReference<>(RouteSnapshot.EMPTY);
        Optional<RouteTableView> cached = config.routesCache().flatMap(file -> new RoutesCache(file).load());
        cached.ifPresent(table -> routes.set(compileCached(table)));

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
        Balancer balancer = new Balancer(System::nanoTime, config.ejection().toNanos());
        RouteResolver resolver = new RouteResolver(config.domain(), Gateway::newClientId);
        // A negative port asks Vert.x for one random port shared by all listeners; 0 would give each its own.
        int listenPort = config.webPort() == 0 ? -1 : config.webPort();
        List<GatewayVerticle> verticles = new ArrayList<>();
        try {
            await(vertx.deployVerticle(() -> {
                GatewayVerticle verticle = new GatewayVerticle(config, listenPort, routes::get, resolver, balancer);
                synchronized (verticles) {
                    verticles.add(verticle);
                }
                return verticle;
            }, new DeploymentOptions().setInstances(config.eventLoops())));
        } catch (RuntimeException e) {
            vertx.close();
            throw new GatewayException("cannot listen on " + config.webHost() + ":" + config.webPort()
                    + " (" + e.getMessage() + "); is another gateway running? Choose another port with --web HOST:PORT", e);
        }
        Gateway gateway = new Gateway(config, vertx, balancer, routes, verticles.getFirst().actualPort());
        gateway.writeState();
        gateway.subscription.ifPresent(RouteSubscription::start);
        return gateway;
    }

    /** The port it listens on (the OS-chosen one when configured with port 0). */
    public int webPort() {
        return webPort;
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
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("apollo-gateway: incomplete shutdown: " + e);
        }
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

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted while starting", e);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new GatewayException(String.valueOf(cause.getMessage()), cause);
        }
    }
}
