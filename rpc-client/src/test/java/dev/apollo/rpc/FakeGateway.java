package dev.apollo.rpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The RPC gateway's convention, and nothing else: {@code POST /<service>/<method>} is forwarded to that service's
 * instance as {@code POST /<method>} with the body, Content-Type, {@code X-Apollo-Env} and {@code baggage} headers.
 * Records what it forwarded, so tests can see what travelled between services.
 */
final class FakeGateway implements AutoCloseable {
    record Forwarded(String path, String envHeader, String baggage) {}

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();

    FakeGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::forward);
        server.start();
    }

    FakeGateway route(String service, RpcServer instance) {
        ports.put(service, instance.port());
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/", 3); // "", service, method
            Integer port = parts.length == 3 ? ports.get(parts[1]) : null;
            if (port == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String env = exchange.getRequestHeaders().getFirst("X-Apollo-Env");
            String baggage = exchange.getRequestHeaders().getFirst("baggage");
            forwarded.add(new Forwarded(exchange.getRequestURI().getPath(), env, baggage));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + parts[2]))
                    .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            if (env != null) {
                request.header("X-Apollo-Env", env);
            }
            if (baggage != null) {
                request.header("baggage", baggage);
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.statusCode(), response.body().length);
            exchange.getResponseBody().write(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
