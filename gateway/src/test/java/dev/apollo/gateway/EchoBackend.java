package dev.apollo.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apollo.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process backend that tells who it is and what it received: {@code /slow} never answers
 * (it holds the request until the backend closes), {@code /upload} echoes the body as it streams in,
 * {@code /trickle} answers a byte every 300 ms for 2.4 s,
 * anything else answers JSON with its name,
 * the method, the URI, the forwarding headers, {@code X-Apollo-Env} and the request body, with the
 * status of a {@code status=N} query parameter (200 without) and an {@code X-Backend} header.
 */
public final class EchoBackend implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    public EchoBackend(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests being handled now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try {
            answer(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/slow")) {
            try {
                new CountDownLatch(1).await(); // until close() interrupts it
            } catch (InterruptedException e) {
                return;
            }
        }
        if (path.equals("/upload")) {
            echo(exchange);
            return;
        }
        if (path.equals("/trickle")) {
            trickle(exchange);
            return;
        }
        String requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("backend", name);
        reply.put("method", exchange.getRequestMethod());
        reply.put("uri", exchange.getRequestURI().toString());
        reply.put("env", exchange.getRequestHeaders().getFirst("X-Apollo-Env"));
        reply.put("body", requestBody);
        reply.put("host", exchange.getRequestHeaders().getFirst("Host"));
        reply.put("xff", exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
        reply.put("xfp", exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
        reply.put("xfh", exchange.getRequestHeaders().getFirst("X-Forwarded-Host"));
        byte[] body = Json.mapper().writeValueAsBytes(reply);
        String query = exchange.getRequestURI().getRawQuery();
        int status = query != null && query.matches("(.*&)?status=\\d{3}(&.*)?")
                ? Integer.parseInt(query.replaceAll("(.*&)?status=(\\d{3}).*", "$2")) : 200;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Backend", name);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Never silent for long, but longer in all than the tests' backend timeout. */
    private static void trickle(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 8; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers before the upload ends, so a proxy that buffers the request would deadlock the test. */
    private static void echo(HttpExchange exchange) throws IOException {
        long length = Long.parseLong(exchange.getRequestHeaders().getFirst("Content-Length"));
        exchange.sendResponseHeaders(200, length);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
