package dev.apollo.gateway;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.RouteTableView;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route tables from a real server-sent-event stream, and what happens when it goes away. */
class RouteSubscriptionTest {
    @TempDir
    Path dir;
    EchoBackend blue;
    EchoBackend green;

    @BeforeEach
    void backends() {
        blue = new EchoBackend("blue");
        green = new EchoBackend("green");
    }

    @AfterEach
    void stopBackends() {
        blue.close();
        green.close();
    }

    private static RouteTableView to(long version, EchoBackend backend) {
        return table(version, env("production", List.of(rule("/", "web")),
                List.of(service("web", "web-" + version, List.of(backend("i" + version, backend.port()))))));
    }

    private Path tokenFile(String token) throws IOException {
        return Files.writeString(dir.resolve("token"), token + "\n");
    }

    @Test
    void followsTheStreamAndResyncsAfterTheControlPlaneComesBack() throws IOException {
        SseSource source = new SseSource(0, "secret", to(1, blue));
        int controlPort = source.port();
        try (Gateway gateway = Gateway.start(GatewayConfig.builder()
                .web("127.0.0.1", 0)
                .noRpc()
                .control(URI.create("http://127.0.0.1:" + controlPort))
                .tokenFile(tokenFile("secret"))
                .build());
                Http http = new Http(gateway.webPort())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 1);
            assertThat(http.get("/").field("backend")).isEqualTo("blue");
            assertThat(source.authorizations()).contains("Bearer secret");

            source.publish(to(2, green));
            // Pushed, not polled for: the gateway applies it as the event arrives (how fast is bench/'s to measure).
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 2);
            assertThat(http.get("/").field("backend")).isEqualTo("green");

            source.close();
            for (int i = 0; i < 20; i++) {
                assertThat(http.get("/").field("backend")).isEqualTo("green");
            }

            source = new SseSource(controlPort, "secret", to(3, blue));
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 3);
            assertThat(http.get("/").field("backend")).isEqualTo("blue");
        } finally {
            source.close();
        }
    }

    @Test
    void wrongTokenAppliesNothing() throws IOException {
        try (SseSource source = new SseSource(0, "secret", to(1, blue));
                Gateway gateway = Gateway.start(GatewayConfig.builder()
                        .web("127.0.0.1", 0)
                        .noRpc()
                        .control(URI.create("http://127.0.0.1:" + source.port()))
                        .tokenFile(tokenFile("wrong"))
                        .build())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> source.authorizations().size() >= 2);
            assertThat(source.authorizations()).allMatch("Bearer wrong"::equals);
            assertThat(gateway.routesVersion()).isZero();
        }
    }

    @Test
    void cachedTableServesWhenRestartedWithoutControlPlane() throws IOException {
        Path cache = dir.resolve("routes.json");
        URI nobody = URI.create("http://127.0.0.1:" + ExampleInstances.freePort());
        GatewayConfig config = GatewayConfig.builder().web("127.0.0.1", 0).noRpc().control(nobody).routesCache(cache).build();
        try (Gateway first = Gateway.start(config)) {
            first.apply(to(5, green));
        }
        assertThat(cache).exists();
        try (Gateway second = Gateway.start(config); Http http = new Http(second.webPort())) {
            assertThat(second.routesVersion()).isEqualTo(5);
            assertThat(http.get("/").field("backend")).isEqualTo("green");
        }
    }

    @Test
    void followsTheLeaderAStandbyNamesKeepsItsTableWhileTheLeaderIsGoneAndFindsTheNextOne() throws IOException {
        SseSource leader = new SseSource(0, "secret", to(1, blue));
        AtomicReference<String> leaderUrl = new AtomicReference<>("http://127.0.0.1:" + leader.port());
        HttpServer standby = standbyNaming(leaderUrl::get);
        SseSource next = null;
        try (Gateway gateway = Gateway.start(GatewayConfig.builder()
                .web("127.0.0.1", 0)
                .noRpc()
                .control(URI.create("http://127.0.0.1:" + standby.getAddress().getPort()))
                .tokenFile(tokenFile("secret"))
                .build());
                Http http = new Http(gateway.webPort())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 1);
            assertThat(http.get("/").field("backend")).isEqualTo("blue");
            assertThat(leader.authorizations()).contains("Bearer secret");

            leader.close();
            for (int i = 0; i < 20; i++) {
                assertThat(http.get("/").field("backend")).isEqualTo("blue");
            }
            next = new SseSource(0, "secret", to(7, green));
            leaderUrl.set("http://127.0.0.1:" + next.port());
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 7);
            assertThat(http.get("/").field("backend")).isEqualTo("green");
        } finally {
            standby.stop(0);
            leader.close();
            if (next != null) {
                next.close();
            }
        }
    }

    @Test
    void turnsToThePeersItIsGivenWhenItsOwnControlPlaneDoesNotAnswer() throws IOException {
        SseSource leader = new SseSource(0, "secret", to(1, blue));
        HttpServer standby = standbyNaming(() -> "http://127.0.0.1:" + leader.port());
        Path peers = dir.resolve("peers.json");
        URI killed = URI.create("http://127.0.0.1:" + ExampleInstances.freePort());
        SseSource next = null;
        try (Gateway gateway = Gateway.start(GatewayConfig.builder()
                .web("127.0.0.1", 0)
                .noRpc()
                .control(killed)
                .peersFile(peers)
                .tokenFile(tokenFile("secret"))
                .build());
                Http http = new Http(gateway.webPort())) {
            // No peers known yet: nothing to follow, nothing applied.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> gateway.routesVersion() == 0);

            // A peer that does not answer either passes the turn to the next, a standby that names the leader.
            Files.writeString(peers, "{\"peers\":[\"http://127.0.0.1:" + ExampleInstances.freePort()
                    + "\",\"not a url\",\"http://127.0.0.1:" + standby.getAddress().getPort() + "\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 1);
            assertThat(http.get("/").field("backend")).isEqualTo("blue");
            assertThat(leader.authorizations()).contains("Bearer secret");

            // That leader and standby are gone too; the list names the one that leads now, read again at once.
            leader.close();
            standby.stop(0);
            assertThat(http.get("/").field("backend")).isEqualTo("blue");
            next = new SseSource(0, "secret", to(7, green));
            Files.writeString(peers, "{\"peers\":[\"http://127.0.0.1:" + next.port() + "\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routesVersion() == 7);
            assertThat(http.get("/").field("backend")).isEqualTo("green");
        } finally {
            standby.stop(0);
            leader.close();
            if (next != null) {
                next.close();
            }
        }
    }

    /** A standby control plane: every request answered 503 not_leader, naming the leader of the moment. */
    private static HttpServer standbyNaming(Supplier<String> leader) throws IOException {
        HttpServer standby = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standby.createContext("/", exchange -> {
            byte[] body = "{\"error\":\"not_leader\",\"message\":\"standby\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("X-Apollo-Leader", leader.get());
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        standby.start();
        return standby;
    }
}
