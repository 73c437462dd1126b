package dev.apollo.gateway.nginx;

import static dev.apollo.routing.Tables.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.gateway.ExampleInstances;
import dev.apollo.gateway.nginx.NginxGateway.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lua balancer against a real nginx: instance changes reach traffic without a reload (so they
 * close no connection and cut no request), health is the control plane's (no member is marked down
 * by nginx, a timeout is never retried), and what reaches an instance is clean (no proxy
 * credentials or hop-by-hop headers, always a Host). Backends are plain sockets, so the tests see
 * exactly what nginx sent.
 */
class NginxBalancerTest {
    private static final Instant T0 = Instant.parse("2026-12-03T00:00:00Z");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    private final Nginx nginx = Nginx.locate(Optional.empty());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private NginxGateway gateway;
    private NginxSettings settings;
    private StaticRoutes routes;
    private int web;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.stop(Duration.ofSeconds(2));
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private RawBackend backend(String name) {
        RawBackend backend = new RawBackend(name);
        closeables.add(backend);
        return backend;
    }

    private RawClient client() {
        RawClient client = new RawClient(web);
        closeables.add(client);
        return client;
    }

    /** As Apollo runs it: workers unprivileged when this runs as root. */
    private void start(RouteTableView table) {
        start(table, Optional.empty());
    }

    /** @param backendTimeout instead of the fixture's 2 s, for a test that holds a request longer */
    private void start(RouteTableView table, Optional<Duration> backendTimeout) {
        web = ExampleInstances.freePort();
        NginxSettings fixture = NginxFixtures.settings(dir.resolve("nginx"), "127.0.0.1:" + web,
                "127.0.0.1:" + ExampleInstances.freePort());
        settings = new NginxSettings(fixture.directory(), fixture.web(), fixture.rpc(), fixture.domain(), fixture.rpcSuffix(),
                fixture.workers(), fixture.connectTimeout(), backendTimeout.orElse(fixture.backendTimeout()), fixture.externalTimeout(),
                fixture.workerShutdownTimeout(), ROOT ? Optional.of(Nginx.unprivilegedUser()) : Optional.empty());
        routes = StaticRoutes.of(table);
        gateway = NginxGateway.start(nginx, new NginxRenderer(settings, nginx.luaModules()), routes, StaticRoutes.QUIET,
                Clock.systemUTC(), Options.defaults());
    }

    /** production: / => web, release {@code release} on these backends. */
    private static RouteTableView table(long version, String release, RawBackend... backends) {
        List<Backend> members = Arrays.stream(backends).map(b -> new Backend(b.name(), "127.0.0.1:" + b.port())).toList();
        return table(version, release, members);
    }

    private static RouteTableView table(long version, String release, List<Backend> members) {
        return new RouteTableView(version, T0.plusSeconds(version), List.of(new EnvironmentRoutes("production", null,
                List.of(rule("/", "web")), List.of(new ServiceRoute("web", release, "1", members, null)), List.of())));
    }

    private void apply(RouteTableView table) {
        routes.set(table);
        within(10).until(() -> gateway.status().appliedRoutesVersion() == table.version());
    }

    private static ConditionFactory within(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(5)).pollDelay(Duration.ZERO);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: apollo.localhost";
    }

    @Test
    void instanceChangesReloadNothingAndCutNoConnectionNorLongRequest() throws Exception {
        RawBackend a = backend("a");
        RawBackend b = backend("b");
        // The held request must outlive 20 changes however slow the machine, not meet the fixture's 2 s timeout.
        start(table(1, "r1", a), Optional.of(Duration.ofSeconds(120)));
        ProcessHandle master = nginx.master(settings).orElseThrow();
        Set<Long> workers = Nginx.acceptingWorkers(master);
        long reloads = gateway.status().reloads();
        RawClient keptAlive = client();
        assertThat(keptAlive.send(get("/x")).headers()).containsEntry("x-backend", "a");
        CompletableFuture<RawClient.Reply> longRequest = CompletableFuture.supplyAsync(() -> client().send(get("/hold")));
        within(10).until(() -> a.count("/hold") == 1);

        // Upgrades (a new release each time), scale up and down, replacement: 20 changes of instances.
        Set<String> answered = new HashSet<>();
        for (int version = 2; version <= 21; version++) {
            RawBackend[] members = version % 3 == 0 ? new RawBackend[] {a, b} : version % 2 == 0 ? new RawBackend[] {b}
                    : new RawBackend[] {a};
            apply(table(version, "r" + version, members));
            Set<String> expected = new HashSet<>(Arrays.stream(members).map(RawBackend::name).toList());
            for (int i = 0; i < members.length; i++) { // the same connection all along
                RawClient.Reply reply = keptAlive.send(get("/x" + version));
                assertThat(reply.status()).isEqualTo(200);
                assertThat(expected).as("table %s", version).contains(reply.headers().get("x-backend"));
                answered.add(reply.headers().get("x-backend"));
            }
        }
        NginxGateway.Status status = gateway.status();
        assertThat(status.reloads()).as("reloads for 20 instance changes").isEqualTo(reloads);
        assertThat(status.memberUpdates()).isGreaterThanOrEqualTo(20);
        assertThat(Nginx.acceptingWorkers(master)).as("the same workers").isEqualTo(workers);
        assertThat(status.appliedDigest()).isEqualTo(Nginx.served(settings));
        assertThat(answered).containsExactlyInAnyOrder("a", "b");

        // The request that started before every change is answered by the instance it was sent to.
        a.release();
        RawClient.Reply held = longRequest.get(10, TimeUnit.SECONDS);
        assertThat(held.status()).isEqualTo(200);
        assertThat(held.body()).isEqualTo("a");

        // A structural change (a path rule) reloads, and the members are there for the new workers at once.
        RouteTableView structural = new RouteTableView(22, T0.plusSeconds(22), List.of(new EnvironmentRoutes("production", null,
                List.of(rule("/", "web"), rule("/new", "web")),
                List.of(new ServiceRoute("web", "r22", "1", List.of(new Backend("b", "127.0.0.1:" + b.port())), null)),
                List.of())));
        apply(structural);
        assertThat(gateway.status().reloads()).isEqualTo(reloads + 1);
        assertThat(client().send(get("/new/y")).headers()).containsEntry("x-backend", "b");
    }

    @Test
    void oneFailedRequestTakesNoInstanceOutAndARefusedConnectionIsTriedElsewhere() throws IOException {
        RawBackend a = backend("a");
        RawBackend b = backend("b");
        start(table(1, "r1", a, b));

        // The instance closes the connection on a POST: 502, sent once (never again elsewhere).
        RawClient.Reply dropped = client().send("POST /drop HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: 0");
        assertThat(dropped.status()).isEqualTo(502);
        assertThat(dropped.body()).contains("\"error\":\"bad_gateway\"");
        assertThat(a.count("/drop") + b.count("/drop")).isEqualTo(1);
        // ...and both instances go on serving: nothing was marked down.
        Set<String> answered = new HashSet<>();
        RawClient client = client();
        for (int i = 0; i < 20; i++) {
            RawClient.Reply reply = client.send(get("/after/" + i));
            assertThat(reply.status()).as("request %s after the failure", i).isEqualTo(200);
            answered.add(reply.headers().get("x-backend"));
        }
        assertThat(answered).containsExactlyInAnyOrder("a", "b");

        // An instance that refuses connections (gone before the health check saw it): every request lands on the other.
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        apply(table(2, "r2", List.of(new Backend("gone", "127.0.0.1:" + closed), new Backend("a", "127.0.0.1:" + a.port()))));
        for (int i = 0; i < 10; i++) {
            assertThat(client.send(get("/refused/" + i)).headers()).containsEntry("x-backend", "a");
            RawClient.Reply post = client.send("POST /refused/" + i + " HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: 0");
            assertThat(post.status()).as("POST %s", i).isEqualTo(200);
        }
    }

    @Test
    void aTimeoutIsNeverRetriedOnAnotherInstance() {
        RawBackend a = backend("a");
        RawBackend b = backend("b");
        start(table(1, "r1", a, b)); // the fixture's backend timeout: 2 s

        RawClient.Reply get = client().send(get("/slow"));
        assertThat(get.status()).isEqualTo(504);
        assertThat(get.body()).contains("\"error\":\"gateway_timeout\"");
        assertThat(a.count("/slow") + b.count("/slow")).as("GET /slow run").isEqualTo(1);
        RawClient.Reply post = client().send("POST /slow HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: 0");
        assertThat(post.status()).isEqualTo(504);
        assertThat(a.count("/slow") + b.count("/slow")).as("GET and POST /slow run").isEqualTo(2);
        a.release();
        b.release();
    }

    @Test
    void proxyCredentialsAndHopByHopHeadersStayHereAndAHostIsAlwaysSent() {
        RawBackend a = backend("a");
        start(table(1, "r1", a));

        RawClient.Reply reply = client().send("GET /h HTTP/1.0\r\nProxy-Authorization: Basic eDp5\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAAQAAP__\r\nConnection: Upgrade, HTTP2-Settings\r\nKeep-Alive: timeout=5\r\n"
                + "TE: trailers\r\nProxy-Connection: keep-alive");
        assertThat(reply.status()).isEqualTo(200);
        RawBackend.Seen seen = a.seen().getLast();
        assertThat(seen.headers()).containsEntry("host", "127.0.0.1:" + web)
                .doesNotContainKeys("proxy-authorization", "upgrade", "http2-settings", "keep-alive", "te", "proxy-connection");

        // A WebSocket handshake keeps its Upgrade.
        client().send("GET /ws HTTP/1.1\r\nHost: apollo.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13");
        assertThat(a.seen().getLast().headers()).containsEntry("upgrade", "websocket").containsEntry("connection", "upgrade")
                .containsEntry("host", "apollo.localhost");
    }

    @Test
    void asRootTheWorkersAreUnprivilegedAndOnlyApolloReachesTheControlSocket() throws IOException {
        assumeThat(ROOT).as("only root can hand the workers to another user").isTrue();
        RawBackend a = backend("a");
        start(table(1, "r1", a));
        assertThat(client().send(get("/x")).status()).isEqualTo(200);
        ProcessHandle master = nginx.master(settings).orElseThrow();
        for (long worker : Nginx.acceptingWorkers(master)) {
            String uid = Files.readAllLines(Path.of("/proc", Long.toString(worker), "status")).stream()
                    .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uid.split("\\s+")[1]).as("worker %s: %s", worker, uid).isNotEqualTo("0");
        }
        assertThat(Files.readString(settings.configFile())).contains("user " + Nginx.unprivilegedUser() + ";");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.controlDirectory()))).isEqualTo("rwx------");
        assertThat(settings.controlSocket().getParent()).isEqualTo(settings.controlDirectory());
        assertThat(Nginx.servedMembers(settings)).isNotEmpty();
    }
}
