package dev.apollo.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apollo.api.RouteTableView;
import dev.apollo.gateway.EchoBackend;
import dev.apollo.gateway.ExampleInstances;
import dev.apollo.gateway.Gateway;
import dev.apollo.gateway.GatewayConfig;
import dev.apollo.gateway.Http;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same route table served by the embedded gateway and by a real nginx rendered from it: every
 * request gets the same status, the same JSON error body byte for byte, and reaches the same
 * backend with the same URI and headers (but Host: the embedded proxy sends the instance's address,
 * nginx the client's Host; both send it as X-Forwarded-Host).
 */
class NginxParityTest {
    @TempDir
    static Path dir;
    static final List<EchoBackend> backends = new ArrayList<>();
    static Gateway embedded;
    static NginxGateway nginx;
    static Http embeddedWeb;
    static Http embeddedRpc;
    static Http nginxWeb;
    static Http nginxRpc;

    @BeforeAll
    static void start() {
        for (String name : List.of("web-1", "web-2", "web-tb", "rpc-1", "rpc-s1", "third-party")) {
            backends.add(new EchoBackend(name));
        }
        RouteTableView table = NginxFixtures.table(7, port(0), port(1), port(2), port(3), port(4), port(5),
                ExampleInstances.freePort());
        embedded = Gateway.start(GatewayConfig.builder().web("127.0.0.1", 0).rpc("127.0.0.1", 0).eventLoops(1)
                .backendTimeout(Duration.ofSeconds(2)).stateFile(dir.resolve("state.json")).build());
        embedded.apply(table);
        int web = ExampleInstances.freePort();
        int rpc = ExampleInstances.freePort();
        nginx = NginxGateway.start(Nginx.locate(Optional.empty()),
                new NginxRenderer(NginxFixtures.settings(dir.resolve("nginx"), "127.0.0.1:" + web, "127.0.0.1:" + rpc)),
                StaticRoutes.of(table), StaticRoutes.QUIET, Clock.systemUTC(), NginxGateway.Options.defaults());
        embeddedWeb = new Http(embedded.webPort());
        embeddedRpc = new Http(embedded.rpcPort());
        nginxWeb = new Http(web);
        nginxRpc = new Http(rpc);
    }

    private static int port(int backend) {
        return backends.get(backend).port();
    }

    @AfterAll
    static void stop() {
        nginx.stop(Duration.ofSeconds(5));
        embedded.close();
        backends.forEach(EchoBackend::close);
    }

    /** What must be equal: status, and the error body or what the backend saw (ports of the gateway itself aside). */
    private static String seen(Http.Reply reply, int gatewayPort) {
        if (reply.headers().firstValue("x-backend").isEmpty()) {
            assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");
            return reply.status() + " " + reply.body();
        }
        JsonNode json = reply.json();
        ObjectNode echo = (ObjectNode) json;
        String backend = json.path("backend").asText();
        echo.put("backend", backend.equals("web-1") || backend.equals("web-2") ? "web-live" : backend);
        // The one known difference: the embedded proxy sends the instance's address as Host, nginx the client's.
        echo.remove("host");
        return reply.status() + " " + echo.toString().replace(":" + gatewayPort, ":PORT");
    }

    private static void sameOnWeb(String path, String... headers) {
        String viaEmbedded = seen(embeddedWeb.get(path, headers), embedded.webPort());
        String viaNginx = seen(nginxWeb.get(path, headers), nginxWeb.port());
        assertThat(viaNginx).as("GET %s %s", path, List.of(headers)).isEqualTo(viaEmbedded);
    }

    private static void sameOnRpc(String path, String... headers) {
        String viaEmbedded = seen(embeddedRpc.post(path, "[\"Ada\"]", headers), embedded.rpcPort());
        String viaNginx = seen(nginxRpc.post(path, "[\"Ada\"]", headers), nginxRpc.port());
        assertThat(viaNginx).as("POST %s %s", path, List.of(headers)).isEqualTo(viaEmbedded);
    }

    @Test
    void webRequestsAreRoutedAlike() {
        sameOnWeb("/");
        sameOnWeb("/a/b?q=1&r=%20x");
        sameOnWeb("/ghostly");
        sameOnWeb("/x", "X-Apollo-Env", "stage1");
        sameOnWeb("/x", "Host", "stage1.apollo.localhost:8080");
        sameOnWeb("/x", "Host", "stage1.apollo.localhost", "X-Apollo-Env", "production");
        sameOnWeb("/shop/cart", "X-Apollo-Env", "stage2");
        sameOnWeb("/x", "Host", "127.0.0.1");
    }

    @Test
    void testbedsAreReachedByHeaderCookieOrHostOnly() {
        sameOnWeb("/", "X-Apollo-Testbed", "web-service");
        sameOnWeb("/", "X-Apollo-Testbed", "other, web-service");
        sameOnWeb("/", "X-Apollo-Testbed", "other");
        sameOnWeb("/", "Cookie", "theme=dark; apollo-testbed=web-service");
        sameOnWeb("/any", "Host", "testbed.web-service.apollo.localhost");
        sameOnWeb("/any", "Host", "testbed.web-service.stage1.apollo.localhost");
        sameOnWeb("/", "X-Apollo-Env", "stage2", "X-Apollo-Testbed", "web-service");
    }

    @Test
    void webErrorsHaveTheSameJsonBodies() {
        sameOnWeb("/shop");
        sameOnWeb("/shop/cart");
        sameOnWeb("/ghost/x");
        sameOnWeb("/dead");
        sameOnWeb("/", "Host", "nowhere.apollo.localhost");
        sameOnWeb("/", "X-Apollo-Env", "nowhere");
        sameOnWeb("/", "Host", "testbed.nope.apollo.localhost");
        sameOnWeb("/a%20b", "X-Apollo-Env", "lab");
        sameOnWeb("/only/x", "X-Apollo-Env", "lab");
    }

    @Test
    void rpcCallsAreRoutedAlike() {
        sameOnRpc("/rpc-service/sayHello?lang=en");
        sameOnRpc("/rpc-service/sayHello", "X-Apollo-Env", "stage1");
        sameOnRpc("/rpc-service/sayHello", "baggage", "user=ada,apollo.env=stage1;p=1");
        sameOnRpc("/_env/stage1/rpc-service/sayHello");
        sameOnRpc("/_env/stage1/rpc-service/sayHello", "X-Apollo-Env", "production");
        sameOnRpc("/rpc-service/sayHello", "Host", "stage1.rpc.int:9090");
        sameOnRpc("/_env/stage2/rpc-service/sayHello");
        sameOnRpc("/web-service/hello", "X-Apollo-Env", "stage1");
        sameOnRpc("/rpc-service");
        sameOnRpc("/payments/charge?amount=3");
        sameOnRpc("/payments/charge", "X-Apollo-Env", "stage2");
    }

    @Test
    void rpcErrorsHaveTheSameJsonBodies() {
        sameOnRpc("/shop/x");
        sameOnRpc("/shop/x", "X-Apollo-Env", "stage1");
        sameOnRpc("/nope/x");
        sameOnRpc("/nope/x", "X-Apollo-Env", "stage2");
        sameOnRpc("/_env//rpc-service/x");
        sameOnRpc("/");
        sameOnRpc("/_env/nowhere/rpc-service/x");
        sameOnRpc("/dead/x");
    }

    @Test
    void whatNeedsEscapingNeverBreaksTheJson() {
        Http.Reply reply = nginxWeb.get("/", "X-Apollo-Env", "a\"b\\c");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().path("error").asText()).isEqualTo("unknown_environment");
        Http.Reply closed = nginxRpc.post("/closed/x", "{}");
        assertThat(closed.status()).isEqualTo(502);
        assertThat(closed.json().path("error").asText()).isEqualTo("external_unreachable");
    }
}
