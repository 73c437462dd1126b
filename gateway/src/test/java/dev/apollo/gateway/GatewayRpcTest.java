package dev.apollo.gateway;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.external;
import static dev.apollo.routing.Tables.rpcEnv;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RPC listener over real sockets: services by name, environments, fallbacks, externals, failures. */
class GatewayRpcTest {
    @TempDir
    static Path dir;
    static EchoBackend prodHello;
    static EchoBackend stageHello;
    static EchoBackend prodGreeter;
    static EchoBackend thirdParty;
    static Gateway gateway;
    static Http rpc;

    @BeforeAll
    static void start() {
        prodHello = new EchoBackend("prod-hello");
        stageHello = new EchoBackend("stage-hello");
        prodGreeter = new EchoBackend("prod-greeter");
        thirdParty = new EchoBackend("third-party");
        gateway = Gateway.start(GatewayConfig.builder()
                .web("127.0.0.1", 0)
                .rpc("127.0.0.1", 0)
                .eventLoops(2)
                // No test here waits for a backend's timeout; a short one only failed calls on a busy machine.
                .backendTimeout(Duration.ofSeconds(10))
                .externalTimeout(Duration.ofSeconds(1))
                .build());
        rpc = new Http(gateway.rpcPort());
        // The first call through a cold gateway loads and compiles its whole path, which on a busy machine can take
        // longer than the 1 s backend timeout these tests use to see 504s quickly: one call first, given time.
        applyStandardTable();
        await().atMost(Duration.ofSeconds(30)).until(() -> rpc.post("/hello/sayHello", "[]").status() == 200);
    }

    @AfterAll
    static void stop() {
        rpc.close();
        gateway.close();
        prodHello.close();
        stageHello.close();
        prodGreeter.close();
        thirdParty.close();
    }

    private static String thirdPartyUrl(String path) {
        return "http://127.0.0.1:" + thirdParty.port() + path;
    }

    private static void applyStandardTable() {
        gateway.apply(table(1,
                rpcEnv("production", null,
                        List.of(service("hello", "h1", List.of(backend("ph", prodHello.port()))),
                                service("greeter", "g1", List.of(backend("pg", prodGreeter.port()))),
                                service("empty", "e1", List.of())),
                        List.of(external("payments", thirdPartyUrl("/live")),
                                external("slowpoke", thirdPartyUrl("")),
                                external("closed", "http://127.0.0.1:" + ExampleInstances.freePort() + "/x"),
                                external("named", "http://localhost:" + thirdParty.port() + "/live"),
                                external("nowhere", "http://no-such-host.invalid/x"))),
                rpcEnv("stage1", "production",
                        List.of(service("hello", "h2", List.of(backend("sh", stageHello.port())))),
                        List.of(external("payments", thirdPartyUrl("/sandbox/"))))));
    }

    @Test
    void aCallReachesTheServiceAsItsMethod() {
        applyStandardTable();
        Http.Reply reply = rpc.post("/hello/sayHello?lang=en", "[\"Ada\"]", "X-Forwarded-For", "10.0.0.9");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode seen = reply.json();
        assertThat(seen.path("backend").asText()).isEqualTo("prod-hello");
        assertThat(seen.path("method").asText()).isEqualTo("POST");
        assertThat(seen.path("uri").asText()).isEqualTo("/sayHello?lang=en");
        assertThat(seen.path("body").asText()).isEqualTo("[\"Ada\"]");
        assertThat(seen.path("env").asText()).isEqualTo("production");
        assertThat(seen.path("xff").asText()).isEqualTo("10.0.0.9, 127.0.0.1");
        assertThat(seen.path("xfp").asText()).isEqualTo("http");
        assertThat(seen.path("xfh").asText()).isEqualTo("127.0.0.1:" + gateway.rpcPort());
        assertThat(reply.headers().firstValue("x-backend")).hasValue("prod-hello");
        assertThat(rpc.get("/hello").json().path("uri").asText()).isEqualTo("/");
    }

    @Test
    void environmentComesFromHeaderBaggagePathPrefixOrHost() {
        applyStandardTable();
        List<Http.Reply> inStage1 = List.of(
                rpc.post("/hello/sayHello", "[]", "X-Apollo-Env", "stage1"),
                rpc.post("/hello/sayHello", "[]", "baggage", "user=ada,apollo.env=stage1;p=1"),
                rpc.post("/_env/stage1/hello/sayHello", "[]"),
                rpc.post("/hello/sayHello", "[]", "Host", "stage1.rpc.int:9090"));
        for (Http.Reply reply : inStage1) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.field("backend")).isEqualTo("stage-hello");
            assertThat(reply.field("uri")).isEqualTo("/sayHello");
            assertThat(reply.field("env")).isEqualTo("stage1");
        }
        assertThat(rpc.post("/hello/sayHello", "[]", "Host", "rpc.int").field("backend")).isEqualTo("prod-hello");
        // A chain begun in production stays there even through an instance whose RPC_INT names stage1.
        Http.Reply chained = rpc.post("/_env/stage1/hello/sayHello", "[]", "X-Apollo-Env", "production");
        assertThat(chained.field("backend")).isEqualTo("prod-hello");
        assertThat(chained.field("uri")).isEqualTo("/sayHello");
    }

    @Test
    void aServiceStage1LacksComesFromProductionAndTheCallStaysInStage1() {
        applyStandardTable();
        Http.Reply borrowed = rpc.post("/greeter/greet", "{}", "X-Apollo-Env", "stage1");
        assertThat(borrowed.status()).as(borrowed.body()).isEqualTo(200);
        assertThat(borrowed.field("backend")).isEqualTo("prod-greeter");
        assertThat(borrowed.field("env")).isEqualTo("stage1");
        Http.Reply own = rpc.post("/_env/stage1/hello/sayHello", "{}");
        assertThat(own.field("backend")).isEqualTo("stage-hello");
        assertThat(own.field("env")).isEqualTo("stage1");
    }

    @Test
    void externalsHaveAUrlPerEnvironmentAndPassTheAnswerBack() {
        applyStandardTable();
        Http.Reply live = rpc.post("/payments/charge?status=201&id=7", "{\"cents\":100}", "X-Apollo-Env", "production");
        assertThat(live.status()).as(live.body()).isEqualTo(201);
        assertThat(live.headers().firstValue("x-backend")).hasValue("third-party");
        assertThat(live.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(live.field("uri")).isEqualTo("/live/charge?status=201&id=7");
        assertThat(live.field("body")).isEqualTo("{\"cents\":100}");
        assertThat(live.field("host")).isEqualTo("127.0.0.1:" + thirdParty.port());
        // Our environment names are not a 3rd party's business.
        assertThat(live.json().hasNonNull("env")).as(live.body()).isFalse();
        assertThat(live.json().hasNonNull("xff")).isFalse();

        assertThat(rpc.post("/payments/charge", "{}", "X-Apollo-Env", "stage1").field("uri")).isEqualTo("/sandbox/charge");
        assertThat(rpc.post("/_env/stage1/payments/refund", "{}").field("uri")).isEqualTo("/sandbox/refund");
    }

    /** Names are resolved without holding the event loop (a slow DNS server must not stall other requests). */
    @Test
    void anExternalNamedByItsHostIsResolvedAndOneThatDoesNotResolveIs502() {
        applyStandardTable();
        Http.Reply named = rpc.post("/named/charge", "{}");
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(named.field("uri")).isEqualTo("/live/charge");
        assertThat(named.field("host")).isEqualTo("localhost:" + thirdParty.port());

        Http.Reply nowhere = rpc.post("/nowhere/x", "{}");
        assertThat(nowhere.status()).as(nowhere.body()).isEqualTo(502);
        assertThat(nowhere.field("error")).isEqualTo("external_unreachable");
        assertThat(nowhere.field("message")).contains("no-such-host.invalid");
    }

    /** The 504 is the gateway's own: the external still holds the call, it never answered. */
    @Test
    void aSilentExternalIs504AndAClosedPortIs502() {
        applyStandardTable();
        Http.Reply slow = rpc.post("/slowpoke/slow", "{}");
        assertThat(slow.status()).as(slow.body()).isEqualTo(504);
        assertThat(slow.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(slow.field("error")).isEqualTo("external_timeout");
        assertThat(slow.field("external")).isEqualTo("slowpoke");
        assertThat(slow.field("environment")).isEqualTo("production");
        assertThat(thirdParty.inFlight()).isEqualTo(1);

        Http.Reply closed = rpc.post("/closed/x", "{}");
        assertThat(closed.status()).as(closed.body()).isEqualTo(502);
        assertThat(closed.field("error")).isEqualTo("external_unreachable");
        assertThat(closed.field("external")).isEqualTo("closed");
        assertThat(closed.field("url")).startsWith("http://127.0.0.1:");
        assertThat(closed.field("message")).startsWith("could not connect to closed (http://127.0.0.1:");
    }

    @Test
    void errorsAreJson() {
        applyStandardTable();
        Http.Reply noEnv = rpc.post("/hello/x", "{}", "X-Apollo-Env", "nowhere");
        assertThat(noEnv.status()).isEqualTo(404);
        assertThat(noEnv.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(noEnv.json()).isEqualTo(json("""
                {"error":"unknown_environment","environment":"nowhere",
                 "message":"no environment nowhere; create it with: apollo env create nowhere"}"""));

        Http.Reply noService = rpc.post("/ghost/doIt", "{}", "X-Apollo-Env", "stage1");
        assertThat(noService.status()).isEqualTo(404);
        assertThat(noService.field("error")).isEqualTo("unknown_service");
        assertThat(noService.field("service")).isEqualTo("ghost");
        assertThat(noService.field("environment")).isEqualTo("stage1");
        assertThat(noService.field("message")).startsWith("no service or external named ghost in stage1 (or its fallbacks production)");

        Http.Reply empty = rpc.post("/empty/x", "{}");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.field("error")).isEqualTo("no_healthy_instance");
        assertThat(empty.field("service")).isEqualTo("empty");

        Http.Reply bad = rpc.post("/", "{}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.field("error")).isEqualTo("bad_request");
        assertThat(bad.field("message")).contains("POST /SERVICE/METHOD");
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherBackend() {
        int dead = ExampleInstances.freePort();
        gateway.apply(table(2, rpcEnv("production", null,
                List.of(service("hello", "h3", List.of(backend("dead", dead), backend("ph", prodHello.port())))), List.of())));
        for (int i = 0; i < 6; i++) {
            Http.Reply reply = rpc.post("/hello/sayHello", "[]");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.field("backend")).isEqualTo("prod-hello");
        }
        assertThat(gateway.isEjected("127.0.0.1:" + dead)).isTrue();
    }

    /** A backend that took the request and dropped the connection may have acted on it: no second try. */
    @Test
    void aRequestThatReachedABackendIsNotRetried() throws IOException {
        try (Dropper dropper = new Dropper()) {
            gateway.apply(table(3, rpcEnv("production", null,
                    List.of(service("hello", "h4", List.of(backend("drop", dropper.port()), backend("ph", prodHello.port())))),
                    List.of())));
            // A fresh table starts its rotation at the first backend: the dropper.
            Http.Reply reply = rpc.post("/hello/charge", "{}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(502);
            assertThat(reply.field("error")).isEqualTo("bad_gateway");
            assertThat(dropper.requests()).isEqualTo(1);
            assertThat(rpc.post("/hello/charge", "{}").field("backend")).isEqualTo("prod-hello");
        }
    }

    /**
     * Blue/green behind the RPC listener: 8 concurrent callers on 4 keep-alive clients while the table
     * moves from set A to set B. Every call succeeds; every call sent after apply() returned lands on B.
     */
    @Test
    void tableSwapUnderLoadLosesNothing() throws Exception {
        List<EchoBackend> backends = List.of(new EchoBackend("a1"), new EchoBackend("a2"), new EchoBackend("b1"),
                new EchoBackend("b2"));
        try {
            gateway.apply(calls(10, backends.get(0), backends.get(1)));
            SwapUnderLoad.check(gateway.rpcPort(), 8, 2000, http -> http.post("/svc/work", "[1]"), "backend",
                    () -> gateway.apply(calls(11, backends.get(2), backends.get(3))), "b1", "b2");
        } finally {
            backends.forEach(EchoBackend::close);
        }
    }

    @Test
    void withoutAnRpcListenerThereIsNoPortAndNoStateEntry() throws IOException {
        Path state = dir.resolve("no-rpc.json");
        try (Gateway webOnly = Gateway.start(GatewayConfig.builder().web("127.0.0.1", 0).noRpc().eventLoops(1)
                .stateFile(state).build())) {
            assertThatThrownBy(webOnly::rpcPort).isInstanceOf(IllegalStateException.class).hasMessageContaining("--rpc none");
            JsonNode written = Json.mapper().readTree(Files.readString(state));
            assertThat(written.has("rpc")).isFalse();
            assertThat(written.path("web").asText()).isEqualTo("127.0.0.1:" + webOnly.webPort());
        }
    }

    private static RouteTableView calls(long version, EchoBackend... backends) {
        List<RouteTableView.Backend> set = new ArrayList<>();
        for (EchoBackend backend : backends) {
            set.add(backend("i" + backend.port(), backend.port()));
        }
        return table(version, rpcEnv("production", null, List.of(service("svc", "svc-" + version, set)), List.of()));
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
