package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GatewayCommandTest {
    static final String NGINX_WITH_ERROR = """
            {"kind":"nginx","web":"127.0.0.1:8080","rpc":"127.0.0.1:9090","binary":"/usr/sbin/nginx",
             "engineVersion":"1.24.0","appliedRoutesVersion":12,
             "appliedConfig":"3f2a9c0d1e4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5",
             "appliedAt":"2025-01-01T00:00:00Z","reloads":4,"lastApplyMs":87,"retiringWorkers":1,
             "lastError":"nginx: [emerg] unknown directive \\"proxy_pas\\" in nginx.conf:12\\nnginx: configuration file nginx.conf test failed\\n",
             "lastErrorAt":"2025-01-01T00:05:00Z"}""";

    /** Ten minutes after NGINX_WITH_ERROR's config was applied, five after its error. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:10:00Z"), ZoneOffset.UTC);

    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    private Run run(String... args) {
        return api.cli(CLOCK, home, args);
    }

    @Test
    void configPrintsTheFileAsReceivedAndPassesTheEnvironment() {
        api.text("GET /v1/gateway/config", 200, "events {}\nhttp {\n}\n");

        Run all = run("gateway", "config");
        Run stage1 = run("gateway", "config", "-e", "stage1");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).isEqualTo("events {}\nhttp {\n}\n");
        assertThat(stage1.out()).isEqualTo("events {}\nhttp {\n}\n");
        assertThat(api.requests).containsExactly("GET /v1/gateway/config", "GET /v1/gateway/config?environment=stage1");
    }

    @Test
    void configWithoutAFinalNewlineGetsOne() {
        api.text("GET /v1/gateway/config", 200, "events {}");

        assertThat(run("gateway", "config").out()).isEqualTo("events {}\n");
    }

    @Test
    void configForAnUnknownEnvironmentIsTheServersSentence() {
        api.json("GET /v1/gateway/config", 404,
                "{\"error\":\"not_found\",\"message\":\"environment 'nope' does not exist. See them with: apollo env list\"}");

        Run run = run("gateway", "config", "-e", "nope");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("apollo: environment 'nope' does not exist. See them with: apollo env list\n");
    }

    @Test
    void statusShowsWhatNginxServesAndItsLastError() {
        api.json("GET /v1/gateway", 200, NGINX_WITH_ERROR);

        Run run = run("gateway", "status");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                gateway: nginx
                  web:        127.0.0.1:8080
                  rpc:        127.0.0.1:9090
                  nginx:      /usr/sbin/nginx 1.24.0
                  serves:     route table v12 (config 3f2a9c0d1e4b) since 2025-01-01 00:00:00Z (10m ago)
                  reloads:    4, last apply 87 ms
                  retiring:   1 old worker(s) still finishing their requests
                  last error: nginx: [emerg] unknown directive "proxy_pas" in nginx.conf:12; \
                nginx: configuration file nginx.conf test failed (at 2025-01-01 00:05:00Z, 5m ago)
                """);
    }

    @Test
    void statusOfTheEmbeddedGatewayIsWhereItListens() {
        api.json("GET /v1/gateway", 200, "{\"kind\":\"embedded\",\"web\":null,\"rpc\":\"127.0.0.1:9090\"}");

        assertThat(run("gateway", "status").out()).isEqualTo("gateway: embedded\n  web:        none\n  rpc:        127.0.0.1:9090\n");
    }

    @Test
    void statusAsJsonIsTheApisAnswer() {
        api.json("GET /v1/gateway", 200, NGINX_WITH_ERROR);

        assertThat(run("gateway", "status", "-o", "json").out()).startsWith("{").contains("\"appliedRoutesVersion\" : 12");
    }

    @Test
    void gatewayAloneAsksForASubcommand() {
        Run run = Run.of(Map.of("APOLLO_HOME", home.toString()), "gateway");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("apollo: Missing a subcommand: status or config.\n");
    }
}
