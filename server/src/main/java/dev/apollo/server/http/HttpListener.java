package dev.apollo.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The API's socket: Jetty 12 (core, no servlets) with every handler on a virtual thread, and the
 * bounds the JDK's HttpServer could not give without fighting it (see docs/ARCHITECTURE.md): a
 * deadline for the first request's headers, an idle timeout for bodies and kept-alive connections,
 * a cap on open connections, and a JSON error for whatever Jetty refuses before a handler runs.
 */
final class HttpListener implements AutoCloseable {
    /** Request line and headers together; Apollo's own requests need a few hundred bytes. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();

    HttpListener(InetSocketAddress address, Handler handler, ApiLimits limits) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("apollo-api");
        threads.setVirtualThreadsExecutor(handlers);
        server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        http.setUriCompliance(UriCompliance.DEFAULT);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        connector.addBean(new HeaderDeadline(server, limits.headerTimeout().toMillis()));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(handler);
        server.setStopTimeout(0); // close at once: streams and kept-alive clients must not delay a shutdown
        try {
            connector.open(); // binds now, so a taken port is reported before anything else starts
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the API server did not start: " + e.getMessage(), e);
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the process is usually about to end.
        }
        handlers.shutdownNow(); // streams waiting for their next event end now, not at their heartbeat

    }

    /**
     * Closes a connection whose first request has not finished its headers in time: an idle timeout
     * alone never ends a client that sends one byte every few seconds, nor one that sent only blank
     * lines. A request whose headers arrived is left to the idle timeout, however long its body.
     */
    private record HeaderDeadline(Server server, long millis) implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            server.getScheduler().schedule(() -> {
                if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close(new java.util.concurrent.TimeoutException(
                            "no complete request headers within " + millis + " ms"));
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }
}
