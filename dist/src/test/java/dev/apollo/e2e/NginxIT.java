package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the nginx gateway has: refused configurations, the rendered file, and the way it is chosen. */
class NginxIT {
    private static final String ENV = "X-Apollo-Env";

    private static Apollo withWebService(Path home) {
        Apollo apollo = Apollo.up(home, "--gateway", "nginx");
        apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
        apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "--path", "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
        return apollo;
    }

    private static JsonNode gateway(Apollo apollo) {
        return apollo.json(apollo.api("GET", "/v1/gateway", null, true).body());
    }

    @Test
    void aConfigurationNginxRefusesIsNeverAppliedAndLaterChangesStillAre(@TempDir Path home) throws Exception {
        try (Apollo apollo = withWebService(home)) {
            long before = gateway(apollo).path("reloads").asLong();
            String served = Files.readString(home.resolve("nginx/nginx.conf"));

            // nginx resolves upstream hosts when it loads a configuration: this one it refuses.
            apollo.ok("external", "add", "payments", "http://no-such-host.invalid/v1");
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway(apollo).path("lastError").asText().contains("payments"));
            assertThat(awaitEvent(apollo, "GATEWAY_ERROR")).contains("payments", "no-such-host.invalid");
            assertThat(apollo.ok("status").out()).contains("gateway (nginx)", "payments");
            assertThat(apollo.ok("gateway", "status").out()).contains("last error", "payments");
            // The rest of the change was applied; the external answers why it cannot be reached.
            assertThat(Files.readString(home.resolve("nginx/nginx.conf"))).isNotEqualTo(served).doesNotContain("server no-such-host");
            var refused = apollo.viaRpc("/payments/charge", "{}");
            assertThat(refused.statusCode()).isEqualTo(502);
            assertThat(apollo.json(refused.body()).path("message").asText()).contains("nginx refused");

            // Later changes still apply.
            apollo.ok("route", "add", "/moved", "web-service");
            apollo.ok("route", "remove", "/");
            // Both applied: / has no rule, /moved reaches the service (which serves nothing at /moved and says so itself).
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Answers.noRoute(apollo.viaGateway("/", ENV, "production"), "/");
                Answers.webServiceHasNothingAt(apollo.viaGateway("/moved", ENV, "production"), "/moved");
            });
            assertThat(gateway(apollo).path("reloads").asLong()).isGreaterThan(before);

            apollo.ok("external", "remove", "payments");
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway(apollo).path("lastError").asText("").isEmpty());
            assertThat(awaitEvent(apollo, "GATEWAY_RECOVERED")).contains("nothing is refused");
            assertThat(apollo.ok("status").out()).doesNotContain("gateway (nginx)");
        }
    }

    @Test
    void theRenderedConfigurationIsPrintedWholeOrPerEnvironmentAndIsTheSameForTheSameState(@TempDir Path home) {
        try (Apollo apollo = withWebService(home)) {
            apollo.ok("env", "create", "stage1", "--fallback", "production");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.ok("gateway", "config").out().contains("stage1"));
            String whole = apollo.ok("gateway", "config").out();
            // Structure only: instances go to the Lua balancer, not into the file.
            assertThat(whole).contains("set $apollo_target \"production/web-service\";", "upstream apollo_instances {",
                    "environment stage1, falling back to production").doesNotContain("upstream apollo_production__");
            assertThat(apollo.ok("gateway", "config").out()).isEqualTo(whole);
            // What nginx serves is what is printed: the file in the data dir, byte for byte.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Files.readString(home.resolve("nginx/nginx.conf"))).isEqualTo(whole));
            String digest = gateway(apollo).path("appliedConfig").asText();
            assertThat(whole).contains("(config " + digest + ")");

            String stage1 = apollo.ok("gateway", "config", "-e", "stage1").out();
            assertThat(stage1).contains("apollo:web/stage1/").doesNotContain("apollo:web/production/", "upstream");
            Apollo.Result nowhere = apollo.cli("gateway", "config", "-e", "nowhere");
            assertThat(nowhere.exit()).isEqualTo(1);
            assertThat(nowhere.all()).contains("no environment nowhere");
        }
    }

    @Test
    void theGatewayIsChosenByFlagOrConfigKeyAndAMissingNginxSaysHowToInstallIt(@TempDir Path home) throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("apollo.conf"), "# chosen for this data dir\ngateway = nginx\nnginx = /nonexistent/nginx\n");
        Apollo apollo = Apollo.in(home);
        Apollo.Result refused = apollo.cli("up", "--detach", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0",
                "--rpc", "127.0.0.1:0");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.all()).contains("/nonexistent/nginx", "apt-get install nginx", "embedded gateway");
        assertThat(home.resolve("server.json")).doesNotExist();

        Files.delete(home.resolve("apollo.conf"));
        try (Apollo embedded = Apollo.up(home)) {
            assertThat(embedded.ok("gateway", "status").out()).contains("embedded");
        }
    }

    /** The message of the first event of this type in the event stream, waiting at most 10 s for it. */
    private static String awaitEvent(Apollo apollo, String type) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apollo.url() + "/v1/events?after=0"))
                .header("Authorization", "Bearer " + apollo.token()).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = response.body()) {
                CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
                    boolean wanted = false;
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.equals("event: " + type)) {
                            wanted = true;
                        } else if (wanted && line.startsWith("data: ")) {
                            return line;
                        }
                    }
                    return "";
                });
                return found.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
