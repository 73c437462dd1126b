package dev.apollo.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every way a call can fail reaches the caller as a typed RpcException that says what happened and where. */
class ErrorsTest {
    interface Accounts {
        long balance(String account);

        void sleep(long millis) throws InterruptedException;

        int count(int a, int b);
    }

    /** What an older client, or another service, may believe the interface to be. */
    interface AccountsAsSeenByAnOlderClient {
        long balance(String account);

        String close(String account);
    }

    interface Overloaded {
        String find(String id);

        String find(String id, int limit);
    }

    static final class Implementation implements Accounts {
        final CountDownLatch slept = new CountDownLatch(1);
        /** Ends every sleep early: a test lets the server answer once the caller has given up, never before. */
        final CountDownLatch wake = new CountDownLatch(1);

        @Override
        public long balance(String account) {
            if (account.isBlank()) {
                throw new IllegalArgumentException("account: '' (expected: an account id)");
            }
            throw new IllegalStateException("account " + account + " is frozen");
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            try {
                wake.await(millis, TimeUnit.MILLISECONDS);
            } finally {
                slept.countDown();
            }
        }

        @Override
        public int count(int a, int b) {
            return a + b;
        }
    }

    private final Implementation implementation = new Implementation();
    private final HttpClient http = HttpClient.newHttpClient();
    private RpcServer server;

    @BeforeEach
    void start() {
        server = RpcServer.serve(0, Accounts.class, implementation);
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private <T> T client(Class<T> iface) {
        return RpcClient.builderFor(iface).withBaseUrl(base()).build();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void theRemoteExceptionsTypeAndMessageReachTheCaller() {
        Accounts accounts = client(Accounts.class);
        assertThatThrownBy(() -> accounts.balance("ACC-1"))
                .isExactlyInstanceOf(RpcException.class)
                .hasMessage("Accounts.balance failed: IllegalStateException: account ACC-1 is frozen (HTTP 500 from POST "
                        + base() + "/balance)")
                .satisfies(e -> {
                    RpcException rpc = (RpcException) e;
                    assertThat(rpc.status()).isEqualTo(500);
                    assertThat(rpc.type()).isEqualTo("IllegalStateException");
                    assertThat(rpc.remoteMessage()).isEqualTo("account ACC-1 is frozen");
                });
        assertThatThrownBy(() -> accounts.balance(" "))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.type()).isEqualTo("IllegalArgumentException");
                    assertThat(e.remoteMessage()).isEqualTo("account: '' (expected: an account id)");
                });
    }

    @Test
    void aMethodTheServerDoesNotHaveIsNoSuchMethod() {
        AccountsAsSeenByAnOlderClient accounts = client(AccountsAsSeenByAnOlderClient.class);
        assertThatThrownBy(() -> accounts.close("ACC-1"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.type()).isEqualTo("NoSuchMethod");
                    assertThat(e.remoteMessage()).isEqualTo("Accounts has no method 'close'; it has: balance, count, sleep");
                    assertThat(e).hasMessageContaining("AccountsAsSeenByAnOlderClient.close").hasMessageContaining(base() + "/close");
                });
    }

    @Test
    void badBodiesAreBadRequestsThatSayWhatWasExpected() throws Exception {
        assertThat(post("/count", "[1, 2]")).isEqualTo("200 3");
        assertThat(post("/count", "{\"a\": 1}"))
                .startsWith("400 {\"type\":\"BadRequest\",\"message\":\"count(int, int) expects its arguments as a JSON array");
        assertThat(post("/count", "[1, 2"))
                .startsWith("400 {\"type\":\"BadRequest\",\"message\":\"the body is not JSON");
        assertThat(post("/count", "[1]"))
                .isEqualTo("400 {\"type\":\"BadRequest\",\"message\":\"count(int, int) expects 2 argument(s), got 1\"}");
        assertThat(post("/count", "[1, \"two\"]"))
                .startsWith("400 {\"type\":\"BadRequest\",\"message\":\"argument 2 of count(int, int) cannot be read as int: ");
        assertThat(post("/count", "[1, null]"))
                .startsWith("400 {\"type\":\"BadRequest\",\"message\":\"argument 2 of count(int, int) cannot be read as int: ");
        assertThat(post("/nope", "[]")).startsWith("404 {\"type\":\"NoSuchMethod\"");
    }

    @Test
    void onlyPostCallsAndOnlyGetChecksHealth() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base() + "/count")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(get.body()).contains("\"type\":\"MethodNotAllowed\"");

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base() + "/health/is_alive")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(post("/health/is_alive", "[]")).startsWith("405 ");
    }

    @Test
    void overloadsAreRefusedOnBothSides() {
        assertThatThrownBy(() -> RpcServer.serve(0, Overloaded.class, new Overloaded() {
            @Override
            public String find(String id) {
                return id;
            }

            @Override
            public String find(String id, int limit) {
                return id;
            }
        })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Overloaded has overloaded methods named 'find'")
                .hasMessageContaining("find(String)").hasMessageContaining("find(String, int)");
        assertThatThrownBy(() -> RpcClient.builderFor(Overloaded.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'find'");
    }

    @Test
    void aSlowMethodTimesOutAtTheCallTimeout() throws Exception {
        Accounts accounts = RpcClient.builderFor(Accounts.class).withBaseUrl(base())
                .withCallTimeout(Duration.ofMillis(200)).build();
        assertThatThrownBy(() -> accounts.sleep(10_000))
                .isExactlyInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("Accounts.sleep got no answer within PT0.2S")
                .hasMessageContaining(base() + "/sleep")
                .satisfies(e -> assertThat(((RpcException) e).type()).isEqualTo("Timeout"));
        assertThat(implementation.slept.getCount()).as("the server was still in the method when the caller gave up").isOne();
        implementation.wake.countDown();
        accounts.sleep(1); // the client still works after a timeout
        assertThat(implementation.slept.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClosedPortIsUnavailable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Accounts accounts = RpcClient.builderFor(Accounts.class).withBaseUrl("http://127.0.0.1:" + closed)
                .build();
        assertThatThrownBy(() -> accounts.balance("ACC-1"))
                .isExactlyInstanceOf(RpcUnavailableException.class)
                .hasMessageContaining("Accounts.balance could not connect")
                .hasMessageContaining("http://127.0.0.1:" + closed + "/balance")
                .satisfies(e -> assertThat(((RpcException) e).status()).isZero());
    }

    @Test
    void theGatewaysOwnErrorsAreTypedByTheirErrorCode() throws IOException {
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int status = path.startsWith("/ghost/") ? 404 : path.startsWith("/down/") ? 503 : path.startsWith("/slow/") ? 504 : 502;
            String body = status == 502 ? "<html>Bad Gateway</html>"
                    : "{\"error\":\"err" + status + "\",\"service\":\"x\",\"message\":\"said " + status + "\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        gateway.start();
        try {
            String url = "http://127.0.0.1:" + gateway.getAddress().getPort();
            assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl(url).withPart("ghost").build().count(1, 2))
                    .isExactlyInstanceOf(RpcException.class)
                    .hasMessage("ghost.count failed: err404: said 404 (HTTP 404 from POST " + url + "/ghost/count)");
            assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl(url).withPart("down").build().count(1, 2))
                    .isExactlyInstanceOf(RpcUnavailableException.class)
                    .satisfies(e -> assertThat(((RpcException) e).type()).isEqualTo("err503"));
            assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl(url).withPart("slow").build().count(1, 2))
                    .isExactlyInstanceOf(RpcTimeoutException.class)
                    .satisfies(e -> assertThat(((RpcException) e).remoteMessage()).isEqualTo("said 504"));
            assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl(url).withPart("proxy").build().count(1, 2))
                    .isExactlyInstanceOf(RpcException.class)
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.type()).isEqualTo("HTTP 502");
                        assertThat(e.remoteMessage()).isEqualTo("<html>Bad Gateway</html>");
                    });
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void builderMistakesAreNamedWhereTheyAreMade() {
        assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is RPC_INT set?");
        assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withBaseUrl("127.0.0.1:9090"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: an http:// URL");
        assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withPart("a/b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("part: 'a/b' (expected: a service name such as 'rpc-service')");
        assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withCallTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("callTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RpcClient.builderFor(Accounts.class).withPart("accounts").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withBaseUrl");
        assertThatThrownBy(() -> RpcClient.builderFor(String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: an interface");
        assertThatThrownBy(() -> RpcServer.serve(server.port(), Accounts.class, implementation))
                .hasMessageContaining("port " + server.port());
    }

    private String post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }
}
