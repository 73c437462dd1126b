package dev.apollo.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import dev.apollo.routing.RouteSubscription;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in control plane that serves {@code /v1/routes/stream} as the real one would: the current
 * table on connect, then every published one, with comments as keep-alives. Data is split over two
 * {@code data:} lines on purpose.
 */
final class SseSource implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String token;
    private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile String current;
    private volatile boolean closed;

    SseSource(int port, String token, RouteTableView initial) {
        this.token = token;
        this.current = event(initial);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext(RouteSubscription.STREAM_PATH, this::stream);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<String> authorizations() {
        return authorizations;
    }

    void publish(RouteTableView table) {
        current = event(table);
        streams.forEach(queue -> queue.add(current));
    }

    private void stream(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (!("Bearer " + token).equals(authorization)) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        queue.add(": connected\n\n");
        queue.add(current);
        streams.add(queue);
        try (OutputStream out = exchange.getResponseBody()) {
            while (!closed) {
                String next = queue.poll(500, TimeUnit.MILLISECONDS);
                out.write((next == null ? ": ping\n\n" : next).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.remove(queue);
        }
    }

    private static String event(RouteTableView table) {
        try {
            String json = Json.mapper().writeValueAsString(table);
            int split = json.indexOf(',') + 1;
            return "event: routes\nid: " + table.version() + "\ndata: " + json.substring(0, split)
                    + "\ndata: " + json.substring(split) + "\n\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
