package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services as people have them: configured by variables, secrets and arguments, not written for Apollo. */
class ConfigurationIT {
    private static final String SECRET = "hunter2-not-for-anyone's-eyes";
    private static final String SERVICE = "config-service";

    private static String body(Apollo apollo, String path) {
        HttpResponse<String> response = apollo.viaGateway(path);
        return response.statusCode() + " " + response.body().strip();
    }

    @Test
    void aServiceReadingItsOwnPortAndASecretRunsAsIsAndARestartOntoNewConfigurationFailsNoRequest(@TempDir Path home)
            throws Exception {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.CONFIG_SERVICE_JAR.toString(), "--name", SERVICE, "--version", "1.0.0");
            apollo.ok("config", "set", SERVICE, "GREETING=hello");
            Apollo.Result secretSet = apollo.cliWithInput(SECRET + "\n", "secret", "set", SERVICE, "DB_PASSWORD");
            assertThat(secretSet.exit()).as(secretSet.all()).isZero();

            apollo.ok("deploy", SERVICE + ":1.0.0", "-n", "2", "--env", "SERVER_PORT=${PORT}",
                    "--health-path", "/actuator/health", "--path", "/greeting", "--path", "/secret-digest");

            await().atMost(Duration.ofSeconds(10)).until(() -> body(apollo, "/greeting"), b -> b.equals("200 hello"));
            assertThat(body(apollo, "/secret-digest")).isEqualTo("200 " + sha256(SECRET));

            apollo.ok("config", "set", SERVICE, "GREETING=bonjour");
            assertThat(body(apollo, "/greeting")).as("configuration reaches the next release, not the running one")
                    .isEqualTo("200 hello");
            try (Load load = Load.start(apollo.gateway(), "/greeting", 3, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 50);
                apollo.ok("restart", SERVICE);
                await().atMost(Duration.ofSeconds(10)).until(() -> body(apollo, "/greeting"), b -> b.equals("200 bonjour"));
                int before = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > before + 50);
                load.stop();
                assertThat(load.failures()).as("failed requests across the restart").isEmpty();
            }
            assertThat(body(apollo, "/secret-digest")).isEqualTo("200 " + sha256(SECRET));
            String history = apollo.ok("history", SERVICE).out();
            assertThat(history).contains("GREETING changed");

            List<String> seen = new ArrayList<>();
            for (String[] command : List.of(new String[] {"status", SERVICE}, new String[] {"history", SERVICE},
                    new String[] {"-o", "json", "history", SERVICE}, new String[] {"config", "list", SERVICE},
                    new String[] {"secret", "list", SERVICE}, new String[] {"-o", "json", "status", SERVICE},
                    new String[] {"gateway", "config"}, new String[] {"logs", SERVICE, "-n", "1000"})) {
                seen.add(apollo.ok(command).all());
            }
            seen.add(apollo.api("GET", "/v1/environments/production/services/" + SERVICE + "/configuration", null, true).body());
            seen.add(apollo.api("GET", "/v1/environments/production/services/" + SERVICE + "/history", null, true).body());
            seen.add(apollo.api("GET", "/v1/services", null, true).body());
            assertThat(seen).noneMatch(text -> text.contains(SECRET));
            assertThat(seen.get(3)).contains("DB_PASSWORD", "(secret, v1)", "GREETING", "bonjour");
            // The event log, the release history and every log the platform writes live in these files.
            try (Stream<Path> files = Files.walk(home)) {
                List<Path> leaking = files.filter(Files::isRegularFile)
                        .filter(file -> !file.toString().contains("/instances/")) // the instances' own output is theirs
                        .filter(file -> contains(file, SECRET))
                        .toList();
                assertThat(leaking).as("files of the platform holding the secret in clear").isEmpty();
            }
        }
    }

    @Test
    void aRealThirdPartyJarFromMavenCentralRunsConfiguredByItsArguments(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("deploy", "org.wiremock:wiremock-standalone:3.13.2", "-n", "1", "--memory", "256",
                    "--arg=--port=${PORT}", "--arg=--bind-address=127.0.0.1", "--arg=--disable-banner",
                    "--health-path", "/__admin/health", "--path", "/__admin");

            HttpResponse<String> health = apollo.viaGateway("/__admin/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\" : \"healthy\"");
            assertThat(apollo.json(apollo.ok("-o", "json", "history", "wiremock-standalone").out())
                    .get(0).get("settings").get("arguments").toString())
                    .isEqualTo("[\"--port=${PORT}\",\"--bind-address=127.0.0.1\",\"--disable-banner\"]");
        }
    }

    @Test
    void aStoppedInstanceLeavesTheGatewayFirstThenFinishesTheRequestItServes(@TempDir Path home) throws Exception {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.CONFIG_SERVICE_JAR.toString(), "--name", SERVICE, "--version", "1.0.0");
            apollo.ok("deploy", SERVICE + ":1.0.0", "-n", "1", "--env", "SERVER_PORT=${PORT}",
                    "--health-path", "/actuator/health", "--path", "/slow");
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> apollo.viaGateway("/slow?ms=4000"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> apollo.ok("logs", SERVICE).out().contains("slow request of 4000 ms started"));

            apollo.ok("undeploy", SERVICE);

            HttpResponse<String> answer = slow.get(20, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("done after 4000 ms");
            await().atMost(Duration.ofSeconds(20)).until(() -> apollo.instanceProcesses().isEmpty());
        }
    }

    @Test
    void badConfigurationIsRefusedClearlyAndChangesNothing(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            expectFailure(apollo, 1, "reserved", "config", "set", SERVICE, "PORT=8080");
            expectFailure(apollo, 1, "APOLLO_", "config", "set", SERVICE, "APOLLO_ENV=x");
            expectFailure(apollo, 2, "KEY=VALUE", "config", "set", SERVICE, "NO_EQUALS_SIGN");
            expectFailure(apollo, 1, "${DATABASE}", "config", "set", SERVICE, "URL=jdbc://${DATABASE}/x");
            expectFailure(apollo, 1, "does not exist", "config", "set", SERVICE, "A=1", "-e", "nowhere");
            expectFailure(apollo, 1, "cannot read", "secret", "set", SERVICE, "DB_PASSWORD", "--from-file", "/nonexistent/file");
            expectFailure(apollo, 1, "empty", "secret", "set", SERVICE, "DB_PASSWORD");
            expectFailure(apollo, 1, "no secret", "secret", "remove", SERVICE, "DB_PASSWORD");
            expectFailure(apollo, 2, "-e/--environment stage1", "deploy", SERVICE + ":1.0.0", "--env", "stage1");
            expectFailure(apollo, 1, "JVM option 'UseZGC'", "deploy", "web-service:1.0.0", "--jvm-opt", "UseZGC");

            assertThat(apollo.ok("config", "list", SERVICE).out()).contains("has no configuration");
            assertThat(apollo.ok("secret", "list", SERVICE).out()).contains("has no secrets");
        }
    }

    private static void expectFailure(Apollo apollo, int exit, String says, String... args) {
        Apollo.Result result = apollo.cli(args);
        assertThat(result.exit()).as("apollo %s: %s", String.join(" ", args), result.all()).isEqualTo(exit);
        assertThat(result.all()).contains(says);
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
