package dev.apollo.gateway;

import dev.apollo.api.RouteTableView;
import dev.apollo.routing.Backend;
import dev.apollo.routing.GatewayException;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RouteSubscription;
import dev.apollo.routing.RpcResolver;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The embedded gateway: listens for web traffic and for RPC calls, routes both by the current
 * route table, and follows the control plane for new tables. A table is compiled once and swapped
 * in with one reference write, so requests in flight finish on the table they started with and no
 * request sees half a table.
 */
public final class Gateway implements AutoCloseable {
    private final GatewayConfig config;
    private final ProxyServer server;
    private final Balancer balancer;
    private final AtomicReference<RouteSnapshot> routes;
    private final GatewayHandler web;
    private final Optional<RpcHandler> rpc;
    private final Optional<RoutesCache> cache;
    private final Optional<RouteSubscription> subscription;
    /** Listening sockets taken from another gateway process, not yet served (web, then RPC). */
    private List<EpollServerSocketChannel> taken = List.of();
    private Optional<ServingLock> lock = Optional.empty();
    private Optional<SocketHandOff> handOff = Optional.empty();
    private Optional<Thread> standby = Optional.empty();
    private Optional<Thread> warmUp = Optional.empty();
    private int webPort;
    private OptionalInt rpcPort;
    private volatile boolean serving;
    private volatile boolean closed;

    private Gateway(GatewayConfig config, ProxyServer server, Balancer balancer, AtomicReference<RouteSnapshot> routes,
            GatewayHandler web, Optional<RpcHandler> rpc) {
        this.config = config;
        this.server = server;
        this.balancer = balancer;
        this.routes = routes;
        this.web = web;
        this.rpc = rpc;
        this.webPort = config.webPort();
        this.rpcPort = config.rpcEnabled() ? OptionalInt.of(config.rpcPort()) : OptionalInt.empty();
        this.cache = config.routesCache().map(RoutesCache::new);
        Optional<Supplier<Optional<URI>>> own = config.control().map(control -> (Supplier<Optional<URI>>) () -> Optional.of(control))
                .or(() -> config.controlFile().map(ControlFile::new).map(file -> (Supplier<Optional<URI>>) file::url));
        Optional<PeersFile> peers = config.peersFile().map(PeersFile::new);
        this.subscription = own.map(control -> (Supplier<List<URI>>) () -> Stream.concat(control.get().stream(),
                        peers.map(PeersFile::peers).orElse(List.of()).stream()).distinct().toList())
                .map(control -> new RouteSubscription(control, config.tokenFile(), this::apply,
                        message -> System.err.println("apollo-gateway: " + message)));
    }

    /**
     * Starts listening (and following the control plane, if configured); returns once the ports are
     * bound. With a serving lock that another process holds, it stands by instead: it takes that
     * process's listening sockets, and serves them the moment the lock is released.
     */
    public static Gateway start(GatewayConfig config) {
        AtomicReference<RouteSnapshot> routes = new AtomicReference<>(RouteSnapshot.EMPTY);
        Optional<RouteTableView> cached = config.routesCache().flatMap(file -> new RoutesCache(file).load());
        cached.ifPresent(table -> routes.set(compileCached(table)));

        Balancer balancer = new Balancer(System::nanoTime, config.ejection().toNanos());
        GatewayHandler web = new GatewayHandler(routes::get, new RouteResolver(config.domain(), Gateway::newClientId));
        Optional<RpcHandler> rpc = config.rpcEnabled()
                ? Optional.of(new RpcHandler(routes::get, new RpcResolver(config.rpcSuffix()))) : Optional.empty();
        ProxyServer server = new ProxyServer(config);
        Gateway gateway = new Gateway(config, server, balancer, routes, web, rpc);
        try {
            gateway.open();
        } catch (RuntimeException e) {
            gateway.close(); // the message already names the listener, the port and the flag
            throw e;
        }
        gateway.writeState();
        gateway.subscription.ifPresent(RouteSubscription::start);
        return gateway;
    }

    /** Serves, or stands by when another process holds the serving lock; offers its sockets to the next process. */
    private synchronized void open() {
        Optional<Path> handOffAt = config.handOff().filter(this::handsOff);
        Optional<SocketHandOff.Taken> handedOver = config.handOffFrom().filter(this::handsOff)
                .flatMap(from -> SocketHandOff.take(from, server.group()));
        handedOver.ifPresent(sockets -> adopt(sockets.sockets()));
        // The process the sockets came from: the one serving, while this one stands by.
        Optional<ProcessHandle> partner = handedOver.flatMap(sockets -> ProcessHandle.of(sockets.pid()));
        try {
            if (config.servingLock().isPresent()) {
                lock = Optional.of(ServingLock.open(config.servingLock().get()));
            }
            if (lock.isEmpty() || lock.get().tryAcquire()) {
                serve();
            } else {
                standby = Optional.of(Thread.ofPlatform().daemon().name("apollo-gateway-standby").start(this::standBy));
                warmUp = Optional.of(StandbyWarmUp.start(server, config, partner, () -> serving || closed));
            }
            if (handOffAt.isPresent()) {
                handOff = Optional.of(SocketHandOff.offer(handOffAt.get(), server.group(), this::listeningSockets));
            }
        } catch (IOException e) {
            throw new GatewayException("cannot share the gateway's ports with its other process: " + e.getMessage(), e);
        }
    }

    /** Whether sockets can be handed over at {@code path}: on epoll, at a path short enough for a Unix socket. */
    private boolean handsOff(Path path) {
        if (server.handsOffSockets() && !SocketHandOff.fits(path)) {
            System.err.println("apollo-gateway: " + path + " is too long for a Unix socket; a process replacing another"
                    + " binds its own sockets, and connections may be refused while it does");
        }
        return server.handsOffSockets() && SocketHandOff.fits(path);
    }

    /** Keeps sockets another process listens on when they are the ones this gateway is configured for. */
    private void adopt(List<FileDescriptor> sockets) {
        List<EpollServerSocketChannel> channels = sockets.stream().map(fd -> new EpollServerSocketChannel(fd.intValue())).toList();
        List<Integer> ports = channels.stream().map(c -> c.localAddress().getPort()).toList();
        List<Integer> wanted = Stream.concat(Stream.of(config.webPort()), rpcPort.stream().boxed()).toList();
        boolean fits = ports.size() == wanted.size()
                && IntStream.range(0, ports.size()).allMatch(i -> wanted.get(i) == 0 || wanted.get(i).equals(ports.get(i)));
        if (!fits) {
            System.err.println("apollo-gateway: the other process listens on " + ports + ", not on " + wanted + "; binding its own");
            channels.forEach(Channel::close);
            return;
        }
        taken = channels;
        webPort = ports.get(0);
        rpcPort = rpcPort.isPresent() ? OptionalInt.of(ports.get(1)) : OptionalInt.empty();
    }

    /** Accepts connections: on the sockets taken from another process, else on its own. */
    private void serve() {
        if (taken.isEmpty()) {
            webPort = server.listen(new ProxyServer.Listen(config.webHost(), webPort, "--web"), web, balancer);
            if (rpc.isPresent()) {
                rpcPort = OptionalInt.of(server.listen(new ProxyServer.Listen(config.rpcHost(), rpcPort.getAsInt(), "--rpc"),
                        rpc.get(), balancer));
            }
        } else {
            server.serve(taken.get(0), web, balancer);
            rpc.ifPresent(handler -> server.serve(taken.get(1), handler, balancer));
        }
        serving = true;
    }

    /** Waits for the serving lock, then serves: the process that held it exited or stopped. */
    private void standBy() {
        try {
            lock.orElseThrow().acquire();
            synchronized (this) {
                if (closed) {
                    return;
                }
                serve();
                writeState();
            }
            System.err.println("apollo-gateway: serving now on " + StateFile.address(config.webHost(), webPort)
                    + " (the process that served before is gone)");
        } catch (ClosedByInterruptException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            System.err.println("apollo-gateway: cannot take over serving: " + e.getMessage());
        }
    }

    /** The sockets it holds, served or not: what a process starting beside it takes. */
    private synchronized List<Integer> listeningSockets() {
        return serving ? server.listeningSockets() : taken.stream().map(c -> c.fd().intValue()).toList();
    }

    /** The port it listens on (the OS-chosen one when configured with port 0). */
    public synchronized int webPort() {
        return webPort;
    }

    /**
     * The RPC port (the OS-chosen one when configured with port 0).
     *
     * @throws IllegalStateException when started without an RPC listener
     */
    public synchronized int rpcPort() {
        return rpcPort.orElseThrow(() -> new IllegalStateException("this gateway has no RPC listener (started with --rpc none)"));
    }

    /** Whether it accepts connections (false while it stands by for another process). */
    public synchronized boolean serving() {
        return serving;
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

    /**
     * Stops. It stops accepting first: a standby holding the same sockets takes over at once (the
     * lock is released) and the connections that queue meanwhile wait for it, refused by no one.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        standby.ifPresent(Thread::interrupt);
        warmUp.ifPresent(Thread::interrupt);
        server.closeListeners();
        handOff.ifPresent(SocketHandOff::close);
        lock.ifPresent(held -> {
            try {
                held.close();
            } catch (IOException e) {
                System.err.println("apollo-gateway: cannot release the serving lock: " + e.getMessage());
            }
        });
        taken.forEach(Channel::close);
        subscription.ifPresent(RouteSubscription::close);
        server.close();
    }

    private synchronized void writeState() {
        config.stateFile().ifPresent(file -> {
            try {
                new StateFile(file, StateFile.address(config.webHost(), webPort),
                        rpcPort.stream().mapToObj(port -> StateFile.address(config.rpcHost(), port)).findFirst())
                        .write(routesVersion(), serving);
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
