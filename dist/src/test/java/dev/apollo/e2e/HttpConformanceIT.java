package dev.apollo.e2e;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import dev.apollo.gateway.Gateway;
import dev.apollo.gateway.GatewayConfig;
import dev.apollo.gateway.nginx.Nginx;
import dev.apollo.gateway.nginx.NginxGateway;
import dev.apollo.gateway.nginx.NginxRenderer;
import dev.apollo.gateway.nginx.NginxSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same HTTP cases, byte for byte, against the instance directly, the embedded gateway and the
 * nginx gateway (a real nginx on the config Apollo renders). The embedded gateway answers as nginx
 * does, or better; where they differ on purpose, or nginx is still wrong, the row says so (see
 * README, "HTTP conformance"). Requests go to Host apollo.localhost, path rule / to the backend.
 */
class HttpConformanceIT {
    private static final Pattern IMF_FIXDATE = Pattern.compile("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");

    enum Target { DIRECT, EMBEDDED, NGINX }

    @TempDir
    static Path dir;
    static ConformanceBackend backend;
    static Gateway embedded;
    static NginxGateway nginx;
    static int nginxPort;

    @BeforeAll
    static void start() throws Exception {
        backend = new ConformanceBackend();
        RouteTableView routes = table(1, env("production", List.of(rule("/", "conf")),
                List.of(service("conf", "c1", List.of(backend("b1", backend.port()))))));
        embedded = Gateway.start(GatewayConfig.builder().web("127.0.0.1", 0).noRpc().eventLoops(1)
                .backendTimeout(Duration.ofSeconds(2)).build());
        embedded.apply(routes);
        try (ServerSocket free = new ServerSocket(0)) {
            nginxPort = free.getLocalPort();
        }
        NginxSettings settings = new NginxSettings(dir.resolve("nginx"), "127.0.0.1:" + nginxPort, Optional.empty(),
                "apollo.localhost", "rpc.int", 1, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Optional.empty());
        Nginx binary = Nginx.locate(Optional.empty());
        // With its Lua balancer, as Apollo runs it: instances come through the members document, not the file.
        nginx = NginxGateway.start(binary, new NginxRenderer(settings, binary.luaModules()), new NginxGateway.Routes() {
            @Override
            public RouteTableView current() {
                return routes;
            }

            @Override
            public RouteTableView awaitNewer(long version, Duration timeout) throws InterruptedException {
                Thread.sleep(timeout.toMillis());
                return routes;
            }
        }, new NginxGateway.Listener() {
            @Override
            public void trouble(String message) {}

            @Override
            public void recovered(String message) {}
        }, Clock.systemUTC(), NginxGateway.Options.defaults());
        for (Target target : Target.values()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> get(target, "/echo").status() == 200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.stop(Duration.ofSeconds(5));
        }
        if (embedded != null) {
            embedded.close();
        }
        backend.close();
    }

    private static int port(Target target) {
        return switch (target) {
            case DIRECT -> backend.port();
            case EMBEDDED -> embedded.webPort();
            case NGINX -> nginxPort;
        };
    }

    private static List<Target> gateways() {
        return List.of(Target.EMBEDDED, Target.NGINX);
    }

    private static RawHttp.Response get(Target target, String path, String... headerLines) throws IOException {
        try (RawHttp http = new RawHttp(port(target))) {
            return http.send(request("GET", path, headerLines)).read();
        }
    }

    private static String request(String method, String path, String... headerLines) {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: apollo.localhost\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("Connection: close\r\n\r\n").toString();
    }

    private static List<String> seenHeaders(RawHttp.Response response) {
        JsonNode echo = json(response);
        List<String> headers = new ArrayList<>();
        echo.path("headers").forEach(h -> headers.add(h.asText()));
        return headers;
    }

    private static JsonNode json(RawHttp.Response response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response, e);
        }
    }

    /** An answer the gateway made itself: a proper status line, IMF-fixdate, and our JSON error body. */
    private static void ourJsonError(RawHttp.Response response, int status) {
        assertThat(response.statusLine()).as(response.toString()).startsWith("HTTP/1.1 " + status + " ");
        assertThat(response.header("Content-Type")).as(response.toString()).hasValueSatisfying(t -> assertThat(t).contains("application/json"));
        assertThat(json(response).path("error").asText()).as(response.toString()).isNotEmpty();
    }

    @Test
    void hopByHopHeadersAndThoseConnectionNamesStayOnTheirSide() throws IOException {
        for (Target target : gateways()) {
            List<String> seen = seenHeaders(get(target, "/echo", "Connection: X-Secret", "Connection: x-other, Host", "X-Secret: 1",
                    "X-Other: 2", "Keep-Alive: timeout=5", "TE: trailers", "Proxy-Authorization: Basic eDp5", "X-Kept: 1"));
            assertThat(seen).as("what the backend saw through %s", target).contains("x-kept: 1")
                    .anyMatch(h -> h.startsWith("host: ")) // naming Host in Connection does not cost the request its Host
                    .noneMatch(h -> h.startsWith("x-secret") || h.startsWith("x-other") || h.startsWith("keep-alive")
                            || h.startsWith("te:") || h.startsWith("proxy-authorization"));
            RawHttp.Response answer = get(target, "/private");
            assertThat(answer.header("X-Public")).as(target.name()).hasValue("1");
            assertThat(answer.header("X-Backend-Private")).as("%s: named by the backend's Connection", target).isEmpty();
        }
    }

    @Test
    void everyXForwardedForLineIsKeptAndTheClientAdded() throws IOException {
        for (Target target : gateways()) {
            List<String> seen = seenHeaders(get(target, "/echo", "X-Forwarded-For: 10.0.0.1", "X-Forwarded-For: 10.0.0.2"));
            assertThat(seen).as(target.name()).contains("x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.1",
                    "x-forwarded-host: apollo.localhost", "x-forwarded-proto: http")
                    .filteredOn(h -> h.startsWith("x-forwarded-for")).hasSize(1);
            assertThat(seenHeaders(get(target, "/echo"))).as(target.name()).contains("x-forwarded-for: 127.0.0.1");
        }
    }

    @Test
    void answersCarryAnImfFixdateAndAVia() throws IOException {
        for (Target target : gateways()) { // the backend itself sends no Date
            RawHttp.Response proxied = get(target, "/echo");
            assertThat(proxied.header("Date")).as(target.name()).hasValueSatisfying(d -> assertThat(d).matches(IMF_FIXDATE));
        }
        for (Target target : gateways()) {
            RawHttp.Response own = get(target, "/echo", "X-Apollo-Env: nowhere");
            ourJsonError(own, 404);
            assertThat(own.header("Date")).as(target.name()).hasValueSatisfying(d -> assertThat(d).matches(IMF_FIXDATE));
        }
        for (Target target : gateways()) {
            assertThat(get(target, "/echo").header("Via")).as(target.name()).hasValue("1.1 apollo");
            assertThat(seenHeaders(get(target, "/echo"))).as(target.name()).contains("via: 1.1 apollo");
            assertThat(seenHeaders(get(target, "/echo", "Via: 1.0 corp", "Via: 1.1 edge"))).as(target.name())
                    .contains("via: 1.0 corp, 1.1 edge, 1.1 apollo");
        }
    }

    @Test
    void expect100ContinueIsAnsweredBeforeTheBodyIsSent() throws IOException {
        for (Target target : Target.values()) {
            try (RawHttp http = new RawHttp(port(target))) {
                http.send("POST /echo HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                        + "Connection: close\r\n\r\n");
                RawHttp.Response interim = http.read();
                assertThat(interim.status()).as("%s: %s", target, interim).isEqualTo(100);
                http.send("hello");
                RawHttp.Response answer = http.read();
                assertThat(answer.status()).as(target.name()).isEqualTo(200);
                assertThat(json(answer).path("bodyLength").asInt()).isEqualTo(5);
            }
        }
    }

    @Test
    void aRequestWithoutHostOrWithTwoIsRefused() throws IOException {
        for (Target target : gateways()) {
            try (RawHttp http = new RawHttp(port(target))) {
                RawHttp.Response none = http.send("GET /echo HTTP/1.1\r\nConnection: close\r\n\r\n").read();
                assertThat(none.status()).as("%s without Host: %s", target, none).isEqualTo(400);
            }
            try (RawHttp http = new RawHttp(port(target))) {
                RawHttp.Response two = http.send("GET /echo HTTP/1.1\r\nHost: apollo.localhost\r\nHost: other.localhost\r\n"
                        + "Connection: close\r\n\r\n").read();
                assertThat(two.status()).as("%s with two Hosts: %s", target, two).isEqualTo(400);
            }
        }
        for (Target target : gateways()) {
            ourJsonError(rawOnce(target, "GET /echo HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
        }
    }

    @Test
    void aRefusedWebSocketHandshakeKeepsItsHeadersAndBody() throws IOException {
        for (Target target : Target.values()) {
            RawHttp.Response refused = get(target, "/ws", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
            assertThat(refused.status()).as(target.name()).isEqualTo(403);
            assertThat(refused.header("X-Refused")).as(target.name()).hasValue("yes");
            assertThat(refused.text()).as(target.name()).isEqualTo("{\"refused\":true}");
        }
    }

    @Test
    void anH2cUpgradeIsServedAsHttp11() throws IOException {
        for (Target target : gateways()) {
            RawHttp.Response bare = get(target, "/echo", "Upgrade: h2c", "Connection: Upgrade");
            assertThat(bare.statusLine()).as(target.name()).startsWith("HTTP/1.1 200");
            RawHttp.Response full = get(target, "/echo", "Upgrade: h2c", "Connection: Upgrade, HTTP2-Settings",
                    "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA");
            assertThat(full.statusLine()).as(target.name()).startsWith("HTTP/1.1 200");
            assertThat(seenHeaders(full)).as(target.name()).contains("x-forwarded-host: apollo.localhost");
        }
        assertThat(seenHeaders(get(Target.EMBEDDED, "/echo", "Upgrade: h2c", "Connection: Upgrade, HTTP2-Settings",
                "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA")))
                .noneMatch(h -> h.startsWith("upgrade") || h.startsWith("http2-settings") || h.startsWith("connection"));
        assertThat(seenHeaders(get(Target.NGINX, "/echo", "Upgrade: h2c", "Connection: Upgrade, HTTP2-Settings",
                "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA")))
                .as("what the backend saw through nginx").noneMatch(h -> h.startsWith("upgrade") || h.startsWith("http2-settings"));
    }

    @Test
    void aChunkedAnswerStreamsToAnHttp10ClientWithoutChunks() throws IOException {
        for (Target target : Target.values()) {
            String id = "h10-" + target;
            try (RawHttp http = new RawHttp(port(target))) {
                http.send("GET /stream?id=" + id + " HTTP/1.0\r\nHost: apollo.localhost\r\n\r\n");
                assertThat(http.readUntil("first;")).as("%s: the first part arrives before the rest exists", target).isTrue();
                get(Target.DIRECT, "/release?id=" + id);
                assertThat(http.readUntil("last")).as(target.name()).isTrue();
                assertThat(http.closedByPeer()).as("%s: an HTTP/1.0 body without length ends with the connection", target).isTrue();
            }
        }
    }

    @Test
    void aChunkedAnswerStreamsToAnHttp11Client() throws IOException {
        for (Target target : Target.values()) {
            String id = "h11-" + target;
            try (RawHttp http = new RawHttp(port(target))) {
                http.send(request("GET", "/stream?id=" + id));
                assertThat(http.readUntil("first;")).as("%s: time to first byte does not wait for the last", target).isTrue();
                get(Target.DIRECT, "/release?id=" + id);
                assertThat(http.readUntil("last")).as(target.name()).isTrue();
            }
            RawHttp.Response chunked = get(target, "/chunked");
            assertThat(chunked.chunked()).as(target.name()).isTrue();
            assertThat(chunked.text()).isEqualTo("abc");
        }
    }

    @Test
    void requestLinesUpTo8KbPassAndLongerOnesGetA414() throws IOException {
        String query = "q=" + "x".repeat(7_900);
        for (Target target : gateways()) {
            RawHttp.Response fits = get(target, "/echo?" + query);
            assertThat(fits.status()).as(target.name()).isEqualTo(200);
            assertThat(json(fits).path("uri").asText()).hasSize("/echo?".length() + query.length());
            RawHttp.Response tooLong = get(target, "/echo?q=" + "x".repeat(9_000));
            assertThat(tooLong.statusLine()).as(target.name()).startsWith("HTTP/1.1 414");
        }
        for (Target target : gateways()) {
            ourJsonError(get(target, "/echo?q=" + "x".repeat(9_000)), 414);
        }
    }

    @Test
    void tooLargeHeadersAreRefusedWithAProperStatusLine() throws IOException {
        for (Target target : gateways()) {
            ourJsonError(get(target, "/echo", "X-Big: " + "y".repeat(40_000)), 431);
            // As large in all, in lines that each fit: refused too (nginx: 8 KB a line, 32 KB in all).
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                many.add("X-Many-" + i + ": " + "z".repeat(5_000));
            }
            ourJsonError(get(target, "/echo", many.toArray(String[]::new)), 431);
        }
    }

    @Test
    void malformedRequestsGetA400WithAProperStatusLine() throws IOException {
        for (Target target : gateways()) {
            RawHttp.Response garbage = rawOnce(target, "GARBAGE\r\n\r\n");
            assertThat(garbage.statusLine()).as(target.name()).startsWith("HTTP/1.1 400");
            RawHttp.Response future = rawOnce(target, "GET /echo HTTP/9.9\r\nHost: apollo.localhost\r\n\r\n");
            assertThat(future.statusLine()).as("%s: %s", target, future).matches("HTTP/1\\.1 (400|505) .*");
        }
        for (Target target : gateways()) {
            ourJsonError(rawOnce(target, "GARBAGE\r\n\r\n"), 400);
            ourJsonError(rawOnce(target, "GET /echo HTTP/9.9\r\nHost: apollo.localhost\r\n\r\n"), 505);
        }
        // A Transfer-Encoding nginx does not read: its 501, in our JSON too.
        ourJsonError(rawOnce(Target.NGINX, "POST /echo HTTP/1.1\r\nHost: apollo.localhost\r\nTransfer-Encoding: gzip\r\n"
                + "Connection: close\r\n\r\n"), 501);
        // The error pages live at URIs no client can reach: a request for one is routed as any other.
        assertThat(get(Target.NGINX, "//apollo-error/400").text()).isEqualTo("no such path on the conformance backend");
    }

    /**
     * A gateway in front of its own services is no forward proxy: CONNECT (a tunnel to anywhere) and a target that
     * is not a path (OPTIONS * too, as nginx does) are refused at once, in our JSON. The embedded gateway once routed
     * "example.com:443" as a path, with the hint to add a route named so, and kept the connection open.
     */
    @Test
    void connectAndTargetsThatAreNotPathsAreRefused() throws IOException {
        for (Target target : gateways()) {
            ourJsonError(rawOnce(target, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 400);
            ourJsonError(rawOnce(target, "GET echo HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n"), 400);
            ourJsonError(rawOnce(target, "OPTIONS * HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n"), 400);
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() throws IOException {
        for (Target target : gateways()) {
            try (RawHttp http = new RawHttp(port(target))) {
                http.send("POST /echo HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n");
                RawHttp.Response answer = http.read();
                assertThat(answer.status()).as("%s: %s", target, answer).isEqualTo(400);
                assertThat(http.closedByPeer()).as(target.name()).isTrue();
            }
        }
        assertThat(backend.uris()).noneMatch(uri -> uri.contains("smuggled"));
    }

    @Test
    void bodiesOfAnyLengthAndFramingPassWhole() throws Exception {
        byte[] upload = new byte[ConformanceBackend.BIG];
        new Random(3).nextBytes(upload);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
        for (Target target : Target.values()) {
            try (RawHttp http = new RawHttp(port(target))) {
                http.send("POST /echo HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: " + upload.length
                        + "\r\nConnection: close\r\n\r\n").send(upload);
                JsonNode echo = json(http.read());
                assertThat(echo.path("bodyLength").asLong()).as(target.name()).isEqualTo(upload.length);
                assertThat(echo.path("sha256").asText()).as(target.name()).isEqualTo(sha);
            }
            try (RawHttp http = new RawHttp(port(target))) {
                http.send("POST /echo HTTP/1.1\r\nHost: apollo.localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                assertThat(json(http.read()).path("bodyLength").asLong()).as(target.name()).isEqualTo(11);
            }
        }
        for (Target target : Target.values()) {
            RawHttp.Response big = get(target, "/big");
            assertThat(big.body()).as(target.name()).hasSize(ConformanceBackend.BIG);
        }
    }

    @Test
    void headAnd204And304HaveNoBody() throws IOException {
        for (Target target : Target.values()) {
            try (RawHttp http = new RawHttp(port(target))) {
                // Pipelined on one connection: a body where none belongs would be read as the next answer's start.
                http.send("HEAD /echo HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n"
                        + "GET /nocontent HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n"
                        + "GET /notmodified HTTP/1.1\r\nHost: apollo.localhost\r\n\r\n"
                        + "GET /echo HTTP/1.1\r\nHost: apollo.localhost\r\nConnection: close\r\n\r\n");
                assertThat(http.read(true).status()).as(target.name()).isEqualTo(200);
                assertThat(http.read().status()).as(target.name()).isEqualTo(204);
                RawHttp.Response notModified = http.read();
                assertThat(notModified.status()).as(target.name()).isEqualTo(304);
                assertThat(notModified.header("ETag")).as(target.name()).hasValue("\"v1\"");
                RawHttp.Response last = http.read();
                assertThat(json(last).path("method").asText()).as(target.name()).isEqualTo("GET");
            }
        }
    }

    @Test
    void aClientThatLeavesFreesTheBackendRequest() throws IOException {
        for (Target target : gateways()) {
            String id = "gone-" + target;
            try (RawHttp http = new RawHttp(port(target))) {
                http.send(request("GET", "/stream?id=" + id));
                assertThat(http.readUntil("first;")).isTrue();
            }
            await().alias(target.name()).atMost(Duration.ofSeconds(15)).until(() -> backend.closed(id));
        }
    }

    @Test
    void aSilentBackendGetsA504InOurJson() throws IOException {
        for (Target target : gateways()) {
            ourJsonError(get(target, "/hold?id=silent-" + target), 504);
        }
    }

    private static RawHttp.Response rawOnce(Target target, String bytes) throws IOException {
        try (RawHttp http = new RawHttp(port(target))) {
            return http.send(bytes.getBytes(StandardCharsets.ISO_8859_1)).read();
        }
    }
}
