package dev.apollo.examples.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apollo.examples.hello.HelloService;
import dev.apollo.rpc.RpcClient;
import dev.apollo.rpc.RpcContext;
import dev.apollo.rpc.RpcException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The talk's sample web service: answers who it is, and on {@code GET /hello?name=Ada} asks rpc-service to greet
 * through the platform's RPC gateway; {@code GET /drip?ms=N} is a long streamed answer. Built on the JDK's HTTP server so that it starts in a fraction of a second.
 * Reads what the platform gives every instance from its environment: PORT, APOLLO_SERVICE, APOLLO_VERSION,
 * APOLLO_INSTANCE_ID, APOLLO_ENV and RPC_INT.
 */
public final class WebService {
    private WebService() {}

    /** Loaded on the first /hello, not at startup: Jackson takes longer to load than the rest of us. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public static void main(String[] args) throws IOException {
        // Without TCP_NODELAY the JDK server's small writes wait on delayed ACKs: ~40 ms per keep-alive request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(env("PORT", "8081"));
        String service = env("APOLLO_SERVICE", "web-service");
        String version = env("APOLLO_VERSION", "dev");
        String ownEnvironment = env("APOLLO_ENV", "production");
        String identity = "{\"service\":\"%s\",\"version\":\"%s\",\"instance\":\"%s\",\"environment\":\"%s\"}"
                .formatted(service, version, env("APOLLO_INSTANCE_ID", "local"), ownEnvironment);
        // Calls go to RPC_INT/rpc-service/sayHello; outside the platform, to where production's gateway would be.
        HelloService hello = RpcClient.builderFor(HelloService.class)
                .withBaseUrl(env("RPC_INT", "http://127.0.0.1:9090"))
                .withPart("rpc-service")
                .build();

        // HOST: the address the platform reaches this instance at (a Swarm node's own on another machine).
        String host = env("HOST", "127.0.0.1");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
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
        // GET /drip?ms=N: a long answer that streams, for watching what a change does to requests in flight: who
        // answers at once, then a dot a second, then "done" after N ms (on SIGTERM it is finished, see below).
        server.createContext("/drip", exchange -> {
            long millis;
            try {
                millis = Long.parseLong(queryParameter(exchange, "ms", "10000"));
            } catch (NumberFormatException e) {
                reply(exchange, 400, "application/json", "{\"error\":\"bad_request\",\"message\":\"ms must be a number of"
                        + " milliseconds, e.g. /drip?ms=20000\"}\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0); // chunked: the length is not known up front
            try (var out = exchange.getResponseBody()) {
                out.write((identity + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                long end = System.nanoTime() + millis * 1_000_000;
                for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                    Thread.sleep(Math.min(1000, left));
                    out.write('.');
                    out.flush();
                }
                out.write("\ndone\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/hello", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/hello")) {
                notFound(exchange);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 405, "application/json", "{\"error\":\"method_not_allowed\",\"message\":\"use GET /hello?name=Ada\"}\n");
                return;
            }
            String name = queryParameter(exchange, "name", "world");
            // The environment this request belongs to: the gateway says so in X-Apollo-Env, also when another
            // environment's web-service serves it by fallback. The call to rpc-service stays in that environment.
            String header = exchange.getRequestHeaders().getFirst("X-Apollo-Env");
            String environment = header == null || header.isBlank() ? ownEnvironment : header;
            Map<String, Object> body = new LinkedHashMap<>();
            int status = 200;
            try {
                String greeting = RpcContext.with(environment, () -> hello.sayHello(name));
                body.put("service", service);
                body.put("version", version);
                body.put("environment", environment);
                body.put("hello", greeting);
            } catch (RpcException e) {
                // rpc-service failed or could not be reached: for whoever called us, a bad gateway.
                status = 502;
                body.put("error", "rpc_failed");
                body.put("type", e.type());
                body.put("message", e.getMessage());
            } catch (Exception e) { // with(Callable) declares Exception; sayHello throws only unchecked ones
                throw new IllegalStateException(e);
            }
            reply(exchange, status, "application/json", Json.MAPPER.writeValueAsString(body) + "\n");
        });
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                notFound(exchange);
                return;
            }
            reply(exchange, 200, "application/json", identity + "\n");
        });
        server.start();
        // SIGTERM: stop accepting, let in-flight requests finish (the platform drains before stopping us, and
        // kills us at its stop grace anyway, so that is the one bound); stop returns as soon as the last one is answered.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Integer.MAX_VALUE)));
        System.out.println("web-service listening on " + host + ":" + port + " as " + identity);
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        reply(exchange, 404, "application/json", "{\"error\":\"not_found\",\"path\":\""
                + exchange.getRequestURI().getPath().replace("\"", "") + "\"}\n");
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The decoded value of a query parameter, or the fallback when it is absent. */
    private static String queryParameter(HttpExchange exchange, String name, String fallback) {
        String query = exchange.getRequestURI().getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return fallback;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
