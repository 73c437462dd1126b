package dev.apollo.examples.rpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The talk's sample RPC service: a HelloService with {@code sayHello(name)}, called as
 * {@code POST /sayHello} with the arguments as a JSON array ({@code ["Ada"]}), answering a JSON
 * string. Depends on nothing but the JDK.
 */
public final class RpcService {
    private static final Pattern FIRST_STRING = Pattern.compile("^\\s*\\[\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private RpcService() {}

    public static void main(String[] args) throws IOException {
        // Without TCP_NODELAY the JDK server's small writes wait on delayed ACKs: ~40 ms per keep-alive request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(env("PORT", "8082"));
        String version = env("APOLLO_VERSION", "dev");
        String environment = env("APOLLO_ENV", "production");

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health/is_alive", exchange -> reply(exchange, 200, "alive"));
        server.createContext("/sayHello", exchange -> {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "{\"type\":\"MethodNotAllowed\",\"message\":\"call sayHello with POST\"}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher name = FIRST_STRING.matcher(body);
            if (!name.find()) {
                reply(exchange, 400, "{\"type\":\"IllegalArgumentException\",\"message\":\"sayHello expects [\\\"name\\\"]\"}");
                return;
            }
            reply(exchange, 200, "\"Hello, " + name.group(1) + "! (rpc-service " + version + " in " + environment + ")\"");
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
        System.out.println("rpc-service " + version + " listening on 127.0.0.1:" + port);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
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
