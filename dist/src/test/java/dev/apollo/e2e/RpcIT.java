package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service-to-service calls by convention through the RPC gateway, environments as overlays, and 3rd-party services. */
class RpcIT {
    /** The flags of 'apollo up' that choose the gateway; the nginx variant of this test overrides them. */
    protected String[] gatewayFlags() {
        return new String[0];
    }

    private static final String ENV = "X-Apollo-Env";

    private Apollo platform(Path home) {
        Apollo apollo = Apollo.up(home, gatewayFlags());
        for (String version : new String[] {"1.0.0", "2.0.0"}) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
            apollo.ok("artifact", "push", Apollo.RPC_SERVICE_JAR.toString(), "--name", "rpc-service", "--version", version);
        }
        return apollo;
    }

    private static String hello(Apollo apollo, String environment) {
        HttpResponse<String> response = apollo.viaGateway("/hello?name=Ada", ENV, environment);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void callsStayInTheirEnvironmentWhereverItHasTheServiceAndFallBackWhereItDoesNot(@TempDir Path home) {
        try (Apollo apollo = platform(home)) {
            apollo.ok("deploy", "rpc-service:1.0.0", "-n", "1");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/hello?name=Ada", ENV, "production")
                    .statusCode() == 200);
            assertThat(hello(apollo, "production")).contains("\"version\":\"1.0.0\"", "Hello, Ada!", "rpc-service 1.0.0");

            apollo.ok("env", "create", "stage1", "--fallback", "production");
            assertThat(apollo.ok("env", "list").out()).contains("stage1", "production");
            apollo.ok("deploy", "web-service:2.0.0", "-n", "1", "-e", "stage1");
            await().atMost(Duration.ofSeconds(10)).until(() -> hello(apollo, "stage1").contains("\"version\":\"2.0.0\""));
            // stage1 has no rpc-service: production's answers.
            assertThat(hello(apollo, "stage1")).contains("rpc-service 1.0.0");

            apollo.ok("deploy", "rpc-service:2.0.0", "-n", "1", "-e", "stage1");
            await().atMost(Duration.ofSeconds(10)).until(() -> hello(apollo, "stage1").contains("rpc-service 2.0.0"));
            assertThat(hello(apollo, "production")).contains("rpc-service 1.0.0");

            // Two hops: stage1's web-service is undeployed, so production's web-service serves the stage1 request,
            // and its own call still goes to stage1's rpc-service.
            apollo.ok("undeploy", "web-service", "-e", "stage1");
            await().atMost(Duration.ofSeconds(10)).until(() -> hello(apollo, "stage1").contains("\"version\":\"1.0.0\""));
            assertThat(hello(apollo, "stage1")).contains("rpc-service 2.0.0");

            HttpResponse<String> direct = apollo.viaRpc("/_env/stage1/rpc-service/sayHello", "[\"Bob\"]");
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(direct.body()).contains("Hello, Bob!", "rpc-service 2.0.0");
        }
    }

    @Test
    void externalsAreReachedThroughThePlatformWithAUrlPerEnvironment(@TempDir Path home) throws IOException {
        HttpServer thirdParty = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        thirdParty.createContext("/", exchange -> {
            byte[] body = ("{\"path\":\"" + exchange.getRequestURI().getPath() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        thirdParty.start();
        String base = "http://127.0.0.1:" + thirdParty.getAddress().getPort();
        try (Apollo apollo = platform(home)) {
            apollo.ok("env", "create", "stage1", "--fallback", "production");
            apollo.ok("external", "add", "payments", base + "/live");
            apollo.ok("external", "add", "payments", base + "/sandbox", "-e", "stage1");
            assertThat(apollo.ok("external", "list", "-e", "stage1").out()).contains("payments", "/sandbox");

            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.viaRpc("/payments/charge", "{}").statusCode() == 201);
            assertThat(apollo.viaRpc("/payments/charge", "{}").body()).contains("/live/charge");
            assertThat(apollo.viaRpc("/payments/charge", "{}", ENV, "stage1").body()).contains("/sandbox/charge");

            apollo.ok("external", "remove", "payments", "-e", "stage1");
            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.viaRpc("/payments/charge", "{}", ENV, "stage1")
                    .body().contains("/live/charge"));

            Apollo.Result clash = apollo.cli("deploy", "payments:1.0.0");
            assertThat(clash.exit()).isEqualTo(1);
            thirdParty.stop(0);
            HttpResponse<String> down = apollo.viaRpc("/payments/charge", "{}");
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(down.body()).contains("\"error\"");
        } finally {
            thirdParty.stop(0);
        }
    }

    @Test
    void unknownServicesAndEnvironmentsGetClearErrors(@TempDir Path home) {
        try (Apollo apollo = platform(home)) {
            HttpResponse<String> noService = apollo.viaRpc("/ghost/doIt", "[]");
            assertThat(noService.statusCode()).isEqualTo(404);
            assertThat(noService.body()).contains("ghost");
            HttpResponse<String> noEnvironment = apollo.viaRpc("/ghost/doIt", "[]", ENV, "nowhere");
            assertThat(noEnvironment.statusCode()).isEqualTo(404);
            assertThat(noEnvironment.body()).contains("nowhere");

            Apollo.Result cycle = apollo.cli("env", "create", "loop", "--fallback", "loop");
            assertThat(cycle.exit()).isEqualTo(1);
            assertThat(cycle.err()).contains("cannot fall back to itself");
            Apollo.Result production = apollo.cli("env", "delete", "production", "--yes");
            assertThat(production.exit()).isEqualTo(1);
            assertThat(production.err()).contains("production");
        }
    }

    @Test
    void noCallFailsWhileTheCalledServiceIsUpgradedBlueGreen(@TempDir Path home) {
        try (Apollo apollo = platform(home)) {
            apollo.ok("deploy", "rpc-service:1.0.0", "-n", "2");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "--path", "/hello");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/hello?name=x", ENV, "production")
                    .statusCode() == 200);
            try (Load load = Load.start(apollo.gateway(), "/hello?name=x", 3, 0)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                apollo.ok("deploy", "rpc-service:2.0.0", "-n", "2");
                int after = load.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> load.requests() > after + 300);
                load.stop();
                assertThat(load.failures()).as("failed calls of %d", load.requests()).isEmpty();
            }
            assertThat(hello(apollo, "production")).contains("rpc-service 2.0.0");
        }
    }
}
