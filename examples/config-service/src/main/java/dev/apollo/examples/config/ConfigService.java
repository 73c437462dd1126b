package dev.apollo.examples.config;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service written without Apollo in mind, the way services usually are: it listens on
 * {@code SERVER_PORT} (not Apollo's {@code PORT}), reads its settings and a database password from
 * its environment, answers a Spring-style health check at {@code /actuator/health}, and on SIGTERM
 * finishes the requests it is serving before it exits.
 *
 * <ul>
 *   <li>{@code GET /greeting}: {@code GREETING}, or {@code --greeting=X} from its arguments
 *   <li>{@code GET /secret-digest}: the sha256 of {@code DB_PASSWORD}, so a test can tell the secret
 *       arrived without the service ever showing it
 *   <li>{@code GET /slow?ms=N}: answers after N milliseconds (in-flight work for shutdown tests)
 *   <li>{@code GET /ready}: 200 while it takes traffic, 503 once {@code POST /admin/unready} said it
 *       should not (a service warming a cache, or shedding load), until {@code POST /admin/ready};
 *       it keeps answering everything else meanwhile, and {@code /actuator/health} stays UP
 *   <li>{@code GET /admin/served}: how many {@code /greeting} requests it answered, so a test can
 *       tell whether traffic still reaches it
 * </ul>
 */
public final class ConfigService {
    /** How long a SIGTERM waits for requests in flight; the platform's stop grace should be longer. */
    private static final int SHUTDOWN_SECONDS = 30;

    private static final AtomicBoolean READY = new AtomicBoolean(true);
    private static final AtomicLong SERVED = new AtomicLong();

    private ConfigService() {}

    public static void main(String[] args) throws IOException {
        String portText = System.getenv("SERVER_PORT");
        if (portText == null || portText.isBlank()) {
            System.err.println("config-service: SERVER_PORT is not set; it needs a port to listen on.");
            System.exit(2);
        }
        int port = Integer.parseInt(portText.strip());
        String greeting = argument(args, "--greeting=").orElse(System.getenv().getOrDefault("GREETING", "hello"));
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1"); // where the platform reaches this instance
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/actuator/health", exchange -> reply(exchange, 200, "{\"status\":\"UP\"}\n"));
        server.createContext("/ready", exchange -> {
            boolean ready = READY.get();
            reply(exchange, ready ? 200 : 503, ready ? "ready\n" : "not ready\n");
        });
        server.createContext("/admin/unready", exchange -> setReady(exchange, false));
        server.createContext("/admin/ready", exchange -> setReady(exchange, true));
        server.createContext("/admin/served", exchange -> reply(exchange, 200, SERVED.get() + "\n"));
        server.createContext("/greeting", exchange -> {
            SERVED.incrementAndGet();
            reply(exchange, 200, greeting + "\n");
        });
        server.createContext("/secret-digest", exchange -> reply(exchange, 200,
                digest(System.getenv().getOrDefault("DB_PASSWORD", "")) + "\n"));
        server.createContext("/slow", exchange -> {
            long millis = Long.parseLong(query(exchange).getOrDefault("ms", "1000"));
            System.out.println("config-service: slow request of " + millis + " ms started");
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "done after " + millis + " ms\n");
        });
        server.start();
        // HttpServer.stop waits for the exchanges in flight (up to the delay) once it stopped accepting new ones.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("config-service: stopping, finishing the requests in flight");
            server.stop(SHUTDOWN_SECONDS);
            System.out.println("config-service: stopped");
        }));
        System.out.println("config-service listening on " + host + ":" + port);
    }

    private static void setReady(HttpExchange exchange, boolean value) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 405, "POST it\n");
            return;
        }
        READY.set(value);
        System.out.println("config-service: " + (value ? "ready" : "not ready") + " for traffic");
        reply(exchange, 200, (value ? "ready" : "not ready") + "\n");
    }

    private static java.util.Optional<String> argument(String[] args, String prefix) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return java.util.Optional.of(arg.substring(prefix.length()));
            }
        }
        return java.util.Optional.empty();
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        java.util.HashMap<String, String> values = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return values;
    }

    private static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
