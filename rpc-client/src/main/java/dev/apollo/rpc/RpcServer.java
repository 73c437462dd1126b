package dev.apollo.rpc;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves an interface the way {@link RpcClient} calls it, on the JDK's own HTTP server (so a service starts in a
 * fraction of a second and needs nothing else): each abstract method {@code m} is {@code POST /m} with the arguments
 * as a JSON array, answered with the result as JSON; {@code GET /health/is_alive} answers 200 for the platform.
 *
 * <p>Each request runs in the {@link RpcContext} of its {@code X-Apollo-Env} (or {@code baggage: apollo.env=...})
 * header, so the calls the implementation makes stay in the caller's environment. Errors are answered as
 * {@code {"type":"...","message":"..."}}: 404 {@code NoSuchMethod}, 405 {@code MethodNotAllowed}, 400
 * {@code BadRequest} (not a JSON array, wrong number or types of arguments), and 500 with the simple class name of
 * whatever the implementation threw.
 *
 * <pre>{@code
 * try (RpcServer server = RpcServer.serve(port, HelloService.class, new Hello())) { ... }
 * }</pre>
 */
public final class RpcServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private RpcServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on 127.0.0.1:{@code port} (0: any free port), where the local scheduler's gateway reaches instances. */
    public static <T> RpcServer serve(int port, Class<T> iface, T implementation) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535, 0 for any free port)");
        }
        return serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), iface, implementation);
    }

    /** Serves on {@code address}; fails if the interface has overloads or the port is taken. */
    public static <T> RpcServer serve(InetSocketAddress address, Class<T> iface, T implementation) {
        Objects.requireNonNull(address, "address");
        RpcHandler handler = new RpcHandler(iface, Objects.requireNonNull(implementation, "implementation"));
        // Without TCP_NODELAY the JDK server writes headers and body as two segments and the second waits for the
        // client's delayed ACK: ~40 ms per keep-alive call. Read once, when the first HttpServer is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + iface.getSimpleName() + " on " + address + ": " + e.getMessage()
                    + (address.getPort() == 0 ? "" : "; is another process using port " + address.getPort() + "?"), e);
        }
        // A virtual thread per request: a call that waits on another service costs no platform thread.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        Json.inBackground(Json::warmUp);
        return new RpcServer(server, executor);
    }

    /** The port it listens on: the one chosen by the system when asked for 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops accepting calls and waits for those in flight to be answered: up to 10 s, returning as
     * soon as the last one is (what a service does on SIGTERM, so a stop drops no call).
     */
    @Override
    public void close() {
        server.stop(10);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RpcServer[" + server.getAddress() + "]";
    }
}
