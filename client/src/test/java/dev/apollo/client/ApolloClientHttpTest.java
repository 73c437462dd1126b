package dev.apollo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.apollo.api.Views.EventView;
import dev.apollo.api.Views.GatewayView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real socket: a tiny JDK HTTP server plays the control plane. */
class ApolloClientHttpTest {
    private HttpServer server;
    private URI url;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            handler.handle(exchange);
        });
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String event(long id, String type) {
        return "id: " + id + "\nevent: " + type + "\ndata: {\"id\":" + id + ",\"at\":\"2025-01-01T00:00:00Z\",\"type\":\"" + type
                + "\",\"environment\":\"production\",\"service\":\"web\",\"release\":\"r8\",\"message\":\"\","
                + "\"started\":1,\"healthy\":0,\"target\":2}\n\n";
    }

    private ApolloClient client(String token) {
        return ApolloClient.connect(new Connection(url, token, "/home/me/.apollo/token"));
    }

    @Test
    void anErrorAnswerBecomesAnApiExceptionWithTheServersMessage() {
        handle("/v1/environments", exchange -> reply(exchange, 404,
                "{\"error\":\"not_found\",\"message\":\"No service 'nope' in production.\"}"));

        assertThatThrownBy(() -> client("t").service("production", "nope"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.error()).isEqualTo("not_found");
                    assertThat(e.getMessage()).isEqualTo("No service 'nope' in production.");
                });
    }

    @Test
    void anErrorWithoutAJsonBodyStillSaysWhatHappened() {
        handle("/v1/info", exchange -> reply(exchange, 502, "<html>bad gateway</html>"));

        assertThatThrownBy(() -> client("t").info())
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("HTTP 502").hasMessageContaining("GET /v1/info");
    }

    @Test
    void unauthorizedWithoutATokenSaysWhereTheTokenLives() {
        handle("/v1/info", exchange -> reply(exchange, 401, "{\"error\":\"unauthorized\",\"message\":\"no token\"}"));

        assertThatThrownBy(() -> client(null).info())
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("none was found")
                .hasMessageContaining("/home/me/.apollo/token")
                .hasMessageContaining("APOLLO_TOKEN");
    }

    @Test
    void sendsTheBearerTokenAndEncodesPathSegments() {
        List<String> auth = new ArrayList<>();
        handle("/v1/environments", exchange -> {
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            reply(exchange, 200, "[]");
        });

        assertThat(client("s3cret").history("prod uction", "a/b?c")).isEmpty();

        assertThat(auth).containsExactly("Bearer s3cret");
        assertThat(seen).containsExactly("GET /v1/environments/prod%20uction/services/a%2Fb%3Fc/history");
    }

    @Test
    void pushStreamsTheFileAndTellsCreatedFromAlreadyStored(@TempDir Path dir) throws IOException {
        Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1, 2, 3, 4});
        AtomicInteger calls = new AtomicInteger();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        handle("/v1/artifacts", exchange -> {
            bodies.add(exchange.getRequestBody().readAllBytes());
            reply(exchange, calls.incrementAndGet() == 1 ? 201 : 200,
                    "{\"name\":\"app\",\"version\":\"1.0.0\",\"sha256\":\"ab\",\"size\":4,\"storedAt\":\"2025-01-01T00:00:00Z\"}");
        });

        assertThat(client("t").pushArtifact("app", "1.0.0", jar).created()).isTrue();
        assertThat(client("t").pushArtifact("app", "1.0.0", jar).created()).isFalse();
        assertThat(bodies.get(0)).containsExactly(1, 2, 3, 4);
        assertThat(seen).first().isEqualTo("PUT /v1/artifacts/app/1.0.0");
    }

    @Test
    void connectionRefusedSaysHowToStartTheControlPlane() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Connection nowhere = new Connection(URI.create("http://127.0.0.1:" + closedPort), null);

        assertThatThrownBy(() -> ApolloClient.connect(nowhere).services(Optional.empty()))
                .isInstanceOf(ServerUnavailableException.class)
                .hasMessage("The Apollo control plane is not running at http://127.0.0.1:" + closedPort
                        + ". Start it with: apollo up --detach");
    }

    @Test
    void eventsResumeAfterADroppedConnectionWithoutRepeats() {
        List<String> lastEventIds = new CopyOnWriteArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        handle("/v1/events", exchange -> {
            lastEventIds.add(exchange.getRequestHeaders().getFirst("Last-Event-ID"));
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            if (connections.incrementAndGet() == 1) {
                out.write((": hello\n\n" + event(1, "DEPLOY_STARTED") + event(2, "INSTANCE_STARTED")).getBytes(StandardCharsets.UTF_8));
                out.close(); // the connection drops mid-deploy
            } else {
                out.write((event(2, "INSTANCE_STARTED") + event(3, "DEPLOY_SUCCEEDED") + event(4, "SCALED"))
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.close();
            }
        });
        List<EventView> received = new ArrayList<>();

        long last = client("t").events(0, EventFilter.release("r8"), received::add, e -> e.type().equals("DEPLOY_SUCCEEDED"));

        assertThat(last).isEqualTo(3);
        assertThat(received).extracting(EventView::type).containsExactly("DEPLOY_STARTED", "INSTANCE_STARTED", "DEPLOY_SUCCEEDED");
        assertThat(lastEventIds).containsExactly("0", "2");
        assertThat(seen).containsExactly("GET /v1/events?after=0&release=r8", "GET /v1/events?after=2&release=r8");
    }

    @Test
    void returnsAsSoonAsTheAwaitedEventArrivesWhileTheStreamStaysOpen() {
        CountDownLatch clientReturned = new CountDownLatch(1);
        AtomicBoolean closedByServer = new AtomicBoolean();
        handle("/v1/events", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(event(1, "DEPLOY_SUCCEEDED").getBytes(StandardCharsets.UTF_8));
            out.flush();
            // The server keeps the stream open, as the real one does, until the client has returned (at most 10 s:
            // a client that waits for the end of the stream then returns, too late, and fails below).
            awaitQuietly(clientReturned, Duration.ofSeconds(10));
            closedByServer.set(true);
            out.close();
        });

        client("t").events(0, EventFilter.all(), e -> { }, e -> true);

        assertThat(closedByServer).as("the server closed the stream before the client returned").isFalse();
        clientReturned.countDown();
    }

    @Test
    void aSilentStreamIsTreatedAsDropped() {
        AtomicInteger connections = new AtomicInteger();
        CountDownLatch followReturned = new CountDownLatch(1);
        AtomicBoolean firstClosedByServer = new AtomicBoolean();
        AtomicBoolean reconnectedWhileTheFirstWasOpen = new AtomicBoolean();
        handle("/v1/events", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            if (connections.incrementAndGet() == 1) {
                out.write(event(1, "DEPLOY_STARTED").getBytes(StandardCharsets.UTF_8));
                out.flush();
                // Silent from now on, no keep-alive, and open until the client is done (at most 10 s): only the
                // client can give up on it.
                awaitQuietly(followReturned, Duration.ofSeconds(10));
                firstClosedByServer.set(true);
            } else {
                reconnectedWhileTheFirstWasOpen.set(!firstClosedByServer.get());
                out.write(event(2, "DEPLOY_FAILED").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        });
        EventStream stream = new EventStream(new HttpTransport(new Connection(url, "t")), Duration.ofMillis(300), Duration.ofMillis(10));
        List<EventView> received = new CopyOnWriteArrayList<>();

        stream.follow(0, EventFilter.all(), received::add, e -> e.type().startsWith("DEPLOY_F"));
        followReturned.countDown();

        assertThat(received).extracting(EventView::id).containsExactly(1L, 2L);
        assertThat(reconnectedWhileTheFirstWasOpen).as("the client gave up on the silent stream before the server closed it")
                .isTrue();
    }

    @Test
    void retriesAreBounded() {
        handle("/v1/events", exchange -> {
            exchange.sendResponseHeaders(200, -1); // an empty stream, over and over
            exchange.close();
        });
        EventStream stream = new EventStream(new HttpTransport(new Connection(url, "t")), Duration.ofSeconds(5), Duration.ofMillis(1));

        assertThatThrownBy(() -> stream.follow(0, EventFilter.all(), e -> { }, e -> false))
                .isInstanceOf(ApolloClientException.class)
                .hasMessageContaining("closed the event stream");
        assertThat(seen).hasSize(EventStream.MAX_RETRIES + 1);
    }

    @Test
    void anErrorOnTheEventStreamIsNotRetried() {
        handle("/v1/events", exchange -> reply(exchange, 400, "{\"error\":\"invalid\",\"message\":\"after: -3 (expected: >= 0)\"}"));

        assertThatThrownBy(() -> client("t").events(-3, EventFilter.all(), e -> { }, e -> true))
                .isInstanceOf(ApiException.class).hasMessage("after: -3 (expected: >= 0)");
        assertThat(seen).hasSize(1);
    }

    @Test
    void followLogsHandsOverEachLine() {
        handle("/v1/environments", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("[web-1] hello\n[web-2] world\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        List<String> lines = new ArrayList<>();

        client("t").followLogs("production", "web", Optional.of("web-1"), lines::add);

        assertThat(lines).containsExactly("[web-1] hello", "[web-2] world");
        assertThat(seen).containsExactly("GET /v1/environments/production/services/web/logs?follow=true&instance=web-1");
    }

    @Test
    void servicesFiltersByEnvironment() {
        handle("/v1/services", exchange -> reply(exchange, 200, "[]"));

        client("t").services(Optional.of("stage1"));
        client("t").services(Optional.empty());

        assertThat(seen).containsExactly("GET /v1/services?environment=stage1", "GET /v1/services");
    }

    @Test
    void gatewayReadsTheViewIncludingNginxFields() {
        handle("/v1/gateway", exchange -> reply(exchange, 200, """
                {"kind":"nginx","web":"127.0.0.1:8080","rpc":"127.0.0.1:9090","binary":"/usr/sbin/nginx",
                 "engineVersion":"1.24.0","appliedRoutesVersion":12,"appliedConfig":"3f2a9c0d1e4b5a6978",
                 "appliedAt":"2025-01-01T00:00:00Z","reloads":4,"lastApplyMs":87,"retiringWorkers":1,
                 "lastError":"unknown directive","lastErrorAt":"2025-01-01T00:01:00Z","addedLater":true}"""));

        GatewayView gateway = client("t").gateway();

        assertThat(gateway.kind()).isEqualTo("nginx");
        assertThat(gateway.appliedRoutesVersion()).isEqualTo(12L);
        assertThat(gateway.retiringWorkers()).isEqualTo(1);
        assertThat(gateway.lastErrorAt()).isEqualTo(Instant.parse("2025-01-01T00:01:00Z"));
        assertThat(seen).containsExactly("GET /v1/gateway");
    }

    @Test
    void gatewayConfigIsTheBodyByteForByteAndFiltersByEnvironment() {
        String config = "events {}\nhttp {\n  # caf\u00e9\n}\n";
        handle("/v1/gateway/config", exchange -> {
            byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });

        assertThat(client("t").gatewayConfig(Optional.empty())).isEqualTo(config);
        assertThat(client("t").gatewayConfig(Optional.of("stage1"))).isEqualTo(config);

        assertThat(seen).containsExactly("GET /v1/gateway/config", "GET /v1/gateway/config?environment=stage1");
    }

    @Test
    void aGatewayConfigErrorIsAnApiExceptionLikeAnyOther() {
        handle("/v1/gateway/config", exchange -> reply(exchange, 404,
                "{\"error\":\"not_found\",\"message\":\"environment 'nope' does not exist.\"}"));

        assertThatThrownBy(() -> client("t").gatewayConfig(Optional.of("nope")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("environment 'nope' does not exist.");
                });
    }

    private static void awaitQuietly(CountDownLatch latch, Duration atMost) {
        try {
            latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aWriteSentToAStandbyFollowsItsLeaderHeaderWithTheSameBodyAndToken() throws IOException {
        HttpServer leader = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> atLeader = new CopyOnWriteArrayList<>();
        leader.createContext("/v1/environments", exchange -> {
            atLeader.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            reply(exchange, 201, "{\"name\":\"stage1\",\"fallback\":null,\"createdAt\":\"2025-01-01T00:00:00Z\"}");
        });
        leader.start();
        String leaderUrl = "http://127.0.0.1:" + leader.getAddress().getPort();
        try {
            handle("/v1/environments", exchange -> {
                exchange.getResponseHeaders().set("X-Apollo-Leader", leaderUrl);
                reply(exchange, 503, "{\"error\":\"not_leader\",\"message\":\"This control plane is a standby\"}");
            });
            try (ApolloClient client = client("secret")) {
                assertThat(client.createEnvironment("stage1", Optional.empty()).name()).isEqualTo("stage1");
            }
            assertThat(seen).containsExactly("POST /v1/environments");
            assertThat(atLeader).singleElement().asString().startsWith("POST Bearer secret ").contains("stage1");
        } finally {
            leader.stop(0);
        }
    }

    @Test
    void aLeaderThatRefusesTheTokenIsSaidToNeedTheSameTokenFileAndAStandbyNamingNoLeaderIsReportedAsIs() throws IOException {
        HttpServer leader = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        leader.createContext("/", exchange -> reply(exchange, 401, "{\"error\":\"unauthorized\",\"message\":\"no\"}"));
        leader.start();
        String leaderUrl = "http://127.0.0.1:" + leader.getAddress().getPort();
        try {
            handle("/v1/environments", exchange -> {
                exchange.getResponseHeaders().set("X-Apollo-Leader", leaderUrl);
                reply(exchange, 503, "{\"error\":\"not_leader\",\"message\":\"standby\"}");
            });
            handle("/v1/routes", exchange -> reply(exchange, 503,
                    "{\"error\":\"not_leader\",\"message\":\"This control plane is a standby and no control plane leads right now\"}"));
            try (ApolloClient client = client("secret")) {
                assertThatThrownBy(() -> client.createEnvironment("stage1", Optional.empty()))
                        .hasMessageContaining("the leader at " + leaderUrl + " refused the token")
                        .hasMessageContaining("need the same token");
                assertThatThrownBy(client::routeTable).isInstanceOf(ApiException.class)
                        .hasMessageContaining("no control plane leads right now");
            }
        } finally {
            leader.stop(0);
        }
    }
}
