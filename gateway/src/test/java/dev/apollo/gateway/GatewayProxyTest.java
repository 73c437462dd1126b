package dev.apollo.gateway;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.routing.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over real sockets, with in-process backends that report what they received. */
class GatewayProxyTest {
    @TempDir
    static Path dir;
    static EchoBackend prodWeb;
    static EchoBackend prodApi;
    static EchoBackend stageApi;
    static Gateway gateway;
    static Http http;

    @BeforeAll
    static void start() {
        prodWeb = new EchoBackend("prod-web");
        prodApi = new EchoBackend("prod-api");
        stageApi = new EchoBackend("stage-api");
        gateway = Gateway.start(GatewayConfig.builder()
                .web("127.0.0.1", 0)
                .rpc("127.0.0.1", 0)
                .eventLoops(2)
                .backendTimeout(Duration.ofSeconds(1))
                .stateFile(dir.resolve("state.json"))
                .build());
        http = new Http(gateway.webPort());
        // A cold gateway's first request loads and compiles its whole path, which on a busy machine can take longer
        // than the 1 s backend timeout these tests use to see 504s quickly: one request first, given time.
        applyStandardTable();
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/", "Host", "apollo.localhost").status() == 200);
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        prodWeb.close();
        prodApi.close();
        stageApi.close();
    }

    private static void applyStandardTable() {
        gateway.apply(table(3,
                env("production", List.of(rule("/", "web"), rule("/api", "api")),
                        List.of(service("web", "w1", List.of(backend("pw", prodWeb.port()))),
                                service("api", "a1", List.of(backend("pa", prodApi.port()))))),
                env("stage1", "production", List.of(rule("/api", "api")),
                        List.of(service("api", "s1", List.of(backend("sa", stageApi.port()))))),
                env("bare", List.of(rule("/only", "empty")), List.of(service("empty", "e1", List.of()))),
                env("dead", List.of(rule("/", "gone")),
                        List.of(service("gone", "g1", List.of(backend("d1", ExampleInstances.freePort()),
                                backend("d2", ExampleInstances.freePort())))))));
    }

    @Test
    void routesByPathHostAndEnvHeader() {
        applyStandardTable();
        Http.Reply api = http.get("/api/x?q=1", "Host", "apollo.localhost");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.field("backend")).isEqualTo("prod-api");
        assertThat(api.field("uri")).isEqualTo("/api/x?q=1");
        assertThat(http.get("/apix", "Host", "apollo.localhost").field("backend")).isEqualTo("prod-web");
        assertThat(http.get("/api", "Host", "stage1.apollo.localhost:8080").field("backend")).isEqualTo("stage-api");
        assertThat(http.get("/", "Host", "stage1.apollo.localhost").field("backend")).isEqualTo("prod-web");
        assertThat(http.get("/api?q", "X-Apollo-Env", "stage1").field("backend")).isEqualTo("stage-api");
        assertThat(http.get("/api").field("backend")).isEqualTo("prod-api");
    }

    /** The backend learns the environment the request was routed in, even when a fallback's service serves it. */
    @Test
    void backendsAreToldTheirRequestsEnvironment() {
        applyStandardTable();
        assertThat(http.get("/", "Host", "apollo.localhost").field("env")).isEqualTo("production");
        Http.Reply borrowed = http.get("/", "Host", "stage1.apollo.localhost");
        assertThat(borrowed.field("backend")).isEqualTo("prod-web");
        assertThat(borrowed.field("env")).isEqualTo("stage1");
        assertThat(http.get("/api", "X-Apollo-Env", " stage1 ").field("env")).isEqualTo("stage1");
    }

    @Test
    void errorsAreJsonThatSaysWhatToDo() {
        applyStandardTable();
        Http.Reply unknown = http.get("/", "Host", "nope.apollo.localhost");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(unknown.field("error")).isEqualTo("unknown_environment");
        assertThat(unknown.field("environment")).isEqualTo("nope");

        Http.Reply noRoute = http.get("/elsewhere", "X-Apollo-Env", "bare");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.json()).isEqualTo(json("""
                {"error":"no_route","environment":"bare","path":"/elsewhere",
                 "message":"no route for /elsewhere in bare; add one with: apollo route add /elsewhere SERVICE -e bare"}"""));

        Http.Reply empty = http.get("/only/x", "X-Apollo-Env", "bare");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(empty.field("error")).isEqualTo("no_healthy_instance");
        assertThat(empty.field("service")).isEqualTo("empty");
        assertThat(empty.field("environment")).isEqualTo("bare");
    }

    @Test
    void allBackendsRefusingIs502() {
        applyStandardTable();
        Http.Reply reply = http.get("/", "X-Apollo-Env", "dead");
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(reply.field("error")).isEqualTo("bad_gateway");
        assertThat(reply.field("service")).isEqualTo("gone");
        assertThat(reply.field("message")).contains("could not connect to gone in dead (tried 127.0.0.1:", ", 127.0.0.1:");
    }

    /** The 504 is the gateway's own: the backend still holds the request, it never answered. */
    /** The timeout is for silence: an answer that keeps coming may take longer in all. */
    @Test
    void aBackendThatKeepsAnsweringIsNotCutByTheTimeout() {
        applyStandardTable();
        Http.Reply reply = http.get("/trickle", "Host", "apollo.localhost");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("xxxxxxxx");
    }

    @Test
    void silentBackendIs504() {
        applyStandardTable();
        Http.Reply reply = http.get("/slow", "Host", "apollo.localhost");
        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.field("error")).isEqualTo("gateway_timeout");
        assertThat(reply.field("service")).isEqualTo("web");
        assertThat(prodWeb.inFlight()).isEqualTo(1);
    }

    @Test
    void forwardedHeadersTellTheBackendWhereTheRequestCameFrom() {
        applyStandardTable();
        JsonNode seen = http.get("/", "Host", "apollo.localhost:8080", "X-Forwarded-For", "10.9.8.7").json();
        assertThat(seen.path("xff").asText()).isEqualTo("10.9.8.7, 127.0.0.1");
        assertThat(seen.path("xfp").asText()).isEqualTo("http");
        assertThat(seen.path("xfh").asText()).isEqualTo("apollo.localhost:8080");
        assertThat(seen.path("host").asText()).isEqualTo("127.0.0.1:" + prodWeb.port());
        assertThat(http.get("/").json().path("xff").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void busyPortFailsWithAHint() {
        GatewayConfig clash = GatewayConfig.builder().web("127.0.0.1", gateway.webPort()).noRpc().eventLoops(1).build();
        assertThatThrownBy(() -> Gateway.start(clash)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + gateway.webPort()).hasMessageContaining("--web");
        GatewayConfig rpcClash = GatewayConfig.builder().web("127.0.0.1", 0).rpc("127.0.0.1", gateway.rpcPort())
                .eventLoops(1).build();
        assertThatThrownBy(() -> Gateway.start(rpcClash)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + gateway.rpcPort()).hasMessageContaining("--rpc");
    }

    @Test
    void stateFileTellsPortAndRoutesVersion() throws IOException {
        gateway.apply(table(41, env("production", List.of(), List.of())));
        JsonNode state = Json.mapper().readTree(Files.readString(dir.resolve("state.json")));
        assertThat(state.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(state.path("web").asText()).isEqualTo("127.0.0.1:" + gateway.webPort());
        assertThat(state.path("rpc").asText()).isEqualTo("127.0.0.1:" + gateway.rpcPort());
        assertThat(gateway.rpcPort()).isNotEqualTo(gateway.webPort());
        assertThat(state.path("routesVersion").asLong()).isEqualTo(41);
        assertThat(gateway.routesVersion()).isEqualTo(41);
    }

    /**
     * 20 MB up and echoed back down. The client holds back the second half of its upload until the
     * echo has started arriving: a gateway that buffered either body would never get there.
     */
    @Test
    void largeBodiesStreamBothWays() throws Exception {
        applyStandardTable();
        long total = 20L * 1024 * 1024;
        byte[] chunk = new byte[64 * 1024];
        new Random(7).nextBytes(chunk);
        MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
        MessageDigest receivedDigest = MessageDigest.getInstance("SHA-256");
        CountDownLatch echoStarted = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        AtomicReference<String> statusLine = new AtomicReference<>();
        try (Socket socket = new Socket("127.0.0.1", gateway.webPort())) {
            socket.setSoTimeout(30_000);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    statusLine.set(readHead(in).lines().findFirst().orElse(""));
                    byte[] buffer = new byte[64 * 1024];
                    while (received.get() < total) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        receivedDigest.update(buffer, 0, n);
                        if (received.addAndGet(n) >= 1024 * 1024) {
                            echoStarted.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the assertions below report what is missing
                }
            });
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: apollo.localhost\r\nContent-Length: " + total
                    + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < total; sent += chunk.length) {
                if (sent == total / 2) {
                    assertThat(echoStarted.await(15, TimeUnit.SECONDS))
                            .as("the echo of the first half arrives before the second half is sent").isTrue();
                }
                out.write(chunk);
                sentDigest.update(chunk);
            }
            out.flush();
            reader.join(Duration.ofSeconds(30));
        }
        assertThat(statusLine.get()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(received.get()).isEqualTo(total);
        assertThat(receivedDigest.digest()).isEqualTo(sentDigest.digest());
    }

    @Test
    void webSocketsPassThrough() throws Exception {
        Vertx backendVertx = Vertx.vertx();
        try {
            HttpServer wsServer = backendVertx.createHttpServer()
                    .webSocketHandler(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text)))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            gateway.apply(table(9, env("production", List.of(rule("/ws", "chat")),
                    List.of(service("chat", "c1", List.of(backend("c", wsServer.actualPort())))))));
            CompletableFuture<String> answer = new CompletableFuture<>();
            HttpClient client = HttpClient.newHttpClient();
            WebSocket socket = client.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + gateway.webPort() + "/ws/room"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            answer.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            client.shutdownNow();
        } finally {
            backendVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
