package dev.apollo.cli.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Stands in for dev.apollo.server.ServerMain in a child JVM: same flags, same files in the data
 * dir, answers /v1/info and /v1/shutdown. Port 1 plays a server that cannot bind, port 2 one that
 * refuses a flag.
 */
public final class FakeServerMain {
    private FakeServerMain() {}

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[1]);
        String[] listen = args[3].split(":");
        int port = Integer.parseInt(listen[1]);
        if (port == 2) {
            System.out.println("WARNING: a JVM warning before the server's own line");
            System.err.println("apollo server: unknown scheduler 'nope': known schedulers are local.");
            System.exit(2);
        }
        if (port == 1) {
            System.out.println("starting");
            System.out.println("cannot listen on 127.0.0.1:1: permission denied");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(listen[0], port), 0);
        server.createContext("/v1/info", exchange -> reply(exchange, 200, "{\"version\":\"test\",\"pid\":"
                + ProcessHandle.current().pid() + ",\"dataDir\":\"" + home + "\",\"apiAddress\":\"x\",\"instances\":0}"));
        server.createContext("/v1/shutdown", exchange -> {
            reply(exchange, 202, "");
            new Thread(() -> {
                server.stop(0);
                System.exit(0);
            }).start();
        });
        server.start();
        Files.writeString(home.resolve("token"), "fake-token");
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Files.writeString(home.resolve("server.json"), "{\"url\":\"" + url + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"startedAt\":\"" + Instant.now() + "\"}");
        System.out.println("listening on " + url);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
