package dev.apollo.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A canned control plane: fixed answers per "METHOD /path", enough to drive one CLI command over a
 * real socket. Registered as a JUnit extension ({@code @RegisterExtension}), it stops after each test.
 */
public final class FakeApi implements AutoCloseable, AfterEachCallback {
    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** The body of each request, in the order of {@link #requests}. */
    public final List<String> bodies = new CopyOnWriteArrayList<>();

    public record Answer(int status, String contentType, String body) {}

    public FakeApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** One in-process run of the CLI against this control plane (--server is added), in the data dir {@code home}. */
    public Run cli(Path home, String... args) {
        return cli(Clock.systemUTC(), home, args);
    }

    /** The same, "now" being the clock's. */
    public Run cli(Clock clock, Path home, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url()));
        return Run.at(clock, Map.of("APOLLO_HOME", home.toString()), all.toArray(String[]::new));
    }

    public FakeApi json(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, "application/json", body));
        return this;
    }

    public FakeApi text(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, "text/plain; charset=utf-8", body));
        return this;
    }

    public FakeApi events(String methodAndPath, String sse) {
        answers.put(methodAndPath, new Answer(200, "text/event-stream", sse));
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
        requests.add(key + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Answer answer = answers.getOrDefault(key,
                new Answer(404, "application/json", "{\"error\":\"not_found\",\"message\":\"No route for " + key + ".\"}"));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** One SSE event about release r11 of service web. */
    public static String event(long id, String type, int started, int healthy, String message) {
        return "id: " + id + "\nevent: " + type + "\ndata: {\"id\":" + id + ",\"at\":\"2025-01-01T00:00:00Z\",\"type\":\"" + type
                + "\",\"environment\":\"production\",\"service\":\"web\",\"release\":\"r11\",\"message\":\"" + message + "\","
                + "\"started\":" + started + ",\"healthy\":" + healthy + ",\"target\":2}\n\n";
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
