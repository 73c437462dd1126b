package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.process.LogLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayMainTest {
    @TempDir
    Path dir;

    @Test
    void flagsBecomeConfig() {
        GatewayConfig config = GatewayMain.parse(new String[] {
                "--control", "http://127.0.0.1:7700", "--token-file", "/t", "--web", "0.0.0.0:0",
                "--domain=apps.test", "--state-file", "/s", "--routes-cache", "/c", "--rpc", "[::1]:0",
                "--rpc-suffix", "calls.test", "--external-timeout", "1500ms"});
        assertThat(config.control()).contains(URI.create("http://127.0.0.1:7700"));
        assertThat(config.tokenFile()).contains(Path.of("/t"));
        assertThat(config.webHost()).isEqualTo("0.0.0.0");
        assertThat(config.webPort()).isZero();
        assertThat(config.domain()).isEqualTo("apps.test");
        assertThat(config.stateFile()).contains(Path.of("/s"));
        assertThat(config.routesCache()).contains(Path.of("/c"));
        assertThat(config.rpcEnabled()).isTrue();
        assertThat(config.rpcHost()).isEqualTo("::1");
        assertThat(config.rpcPort()).isZero();
        assertThat(config.rpcSuffix()).isEqualTo("calls.test");
        assertThat(config.externalTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(GatewayMain.parse(new String[] {"--rpc", "none"}).rpcEnabled()).isFalse();
        assertThat(GatewayMain.parse(new String[] {"--external-timeout", "5"}).externalTimeout()).isEqualTo(Duration.ofSeconds(5));

        GatewayConfig defaults = GatewayMain.parse(new String[0]);
        assertThat(defaults.webHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.webPort()).isEqualTo(8080);
        assertThat(defaults.domain()).isEqualTo("apollo.localhost");
        assertThat(defaults.rpcEnabled()).isTrue();
        assertThat(defaults.rpcHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.rpcPort()).isEqualTo(9090);
        assertThat(defaults.rpcSuffix()).isEqualTo("rpc.int");
        assertThat(defaults.externalTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.control()).isEmpty();
        assertThat(defaults.logs()).isEqualTo(LogLimits.DEFAULT);
        assertThat(GatewayMain.parse(new String[] {"--log-max-size", "64K", "--log-keep", "0"}).logs())
                .isEqualTo(new LogLimits(64 * 1024, 0));
    }

    @Test
    void badFlagsSayWhatIsExpected() {
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--web", "8080"}))
                .hasMessageContaining("expected: HOST:PORT");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--web", "127.0.0.1:99999"}))
                .hasMessageContaining("expected: 0..65535");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--bogus", "x"})).hasMessageContaining("unknown flag --bogus");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--control"})).hasMessageContaining("missing value");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--rpc", "9090"})).hasMessageContaining("--rpc 9090")
                .hasMessageContaining("expected: HOST:PORT");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--rpc-suffix", ".int"})).hasMessageContaining("rpc.int");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--external-timeout", "soon"}))
                .hasMessageContaining("expected: a duration");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--log-max-size", "big"})).hasMessageContaining("'big'");
        assertThatThrownBy(() -> GatewayMain.parse(new String[] {"--log-keep", "-1"})).hasMessageContaining("log keep: -1");
    }

    /** As the control plane runs it: a process that reports its port in the state file. */
    @Test
    void runsAsAProcessAndReportsItsPort() throws Exception {
        Path state = dir.resolve("state.json");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName(),
                "--web", "127.0.0.1:0", "--rpc", "127.0.0.1:0", "--state-file", state.toString(),
                "--control", "http://127.0.0.1:" + ExampleInstances.freePort()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(state));
            JsonNode written = Json.mapper().readTree(Files.readString(state));
            assertThat(written.path("pid").asLong()).isEqualTo(process.pid());
            assertThat(written.path("routesVersion").asLong()).isZero();
            int port = Integer.parseInt(written.path("web").asText().replace("127.0.0.1:", ""));
            try (Http http = new Http(port)) {
                Http.Reply reply = http.get("/");
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.field("error")).isEqualTo("no_route_table");
            }
            int rpcPort = Integer.parseInt(written.path("rpc").asText().replace("127.0.0.1:", ""));
            try (Http rpc = new Http(rpcPort)) {
                Http.Reply reply = rpc.post("/rpc-service/sayHello", "[]");
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.field("error")).isEqualTo("no_route_table");
            }
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
