package dev.apollo.examples.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The talk's sample web service: answers who it is. Depends on nothing but the JDK so that it
 * starts in a fraction of a second. Reads what the platform gives every instance from its
 * environment: PORT, APOLLO_SERVICE, APOLLO_VERSION, APOLLO_INSTANCE_ID, APOLLO_ENV.
 */
public final class WebService {
    private WebService() {}

    public static void main(String[] args) throws IOException {
        // Without TCP_NODELAY the JDK server's small writes wait on delayed ACKs: ~40 ms per keep-alive request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(env("PORT", "8081"));
        String identity = "{\"service\":\"%s\",\"version\":\"%s\",\"instance\":\"%s\",\"environment\":\"%s\"}"
                .formatted(env("APOLLO_SERVICE", "web-service"), env("APOLLO_VERSION", "dev"),
                        env("APOLLO_INSTANCE_ID", "local"), env("APOLLO_ENV", "production"));

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // POST /admin/sick makes this instance fail its health check from then on: a way to watch the
        // platform replace an unhealthy instance without dropping a request.
        AtomicBoolean sick = new AtomicBoolean();
        server.createContext("/admin/sick", exchange -> {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "application/json", "{\"error\":\"method_not_allowed\",\"message\":\"use POST\"}\n");
                return;
            }
            sick.set(true);
            reply(exchange, 200, "application/json", "{\"sick\":true}\n");
        });
        server.createContext("/health/is_alive", exchange -> {
            if (sick.get()) {
                reply(exchange, 503, "text/plain", "sick\n");
            } else {
                reply(exchange, 200, "text/plain", "alive\n");
            }
        });
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                reply(exchange, 404, "application/json", "{\"error\":\"not_found\",\"path\":\""
                        + exchange.getRequestURI().getPath().replace("\"", "") + "\"}\n");
                return;
            }
            reply(exchange, 200, "application/json", identity + "\n");
        });
        server.start();
        // SIGTERM: stop accepting, let in-flight requests finish (the platform drains before stopping us).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
        System.out.println("web-service listening on 127.0.0.1:" + port + " as " + identity);
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
