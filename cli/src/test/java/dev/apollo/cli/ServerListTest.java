package dev.apollo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --server A,B,C} and {@code APOLLO_SERVER=A,B,C}: the control planes of one store, tried in order. One that
 * cannot be reached passes the turn to the next; one that answers, whatever it answers, is the last asked.
 */
class ServerListTest {
    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi first = new FakeApi();

    @RegisterExtension
    final FakeApi second = new FakeApi();

    private String closed;
    private String alsoClosed;

    @BeforeEach
    void closedPorts() throws IOException {
        closed = closedPort();
        alsoClosed = closedPort();
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Run run(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("APOLLO_HOME", home.toString());
        return Run.of(all, args);
    }

    @Test
    void anAddressThatCannotBeReachedPassesTheTurnToTheNext() {
        first.json("GET /v1/environments/production/routes", 200, "[]");

        Run run = run(Map.of(), "route", "list", "--server", closed + "," + alsoClosed + ", " + first.url());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(first.requests).containsExactly("GET /v1/environments/production/routes");
    }

    @Test
    void aWriteGoesWholeToTheFirstThatAnswers() {
        first.json("POST /v1/environments", 201, "{\"name\":\"stage1\",\"fallback\":null}");

        Run run = run(Map.of(), "env", "create", "stage1", "--server", closed + "," + first.url());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(first.requests).containsExactly("POST /v1/environments");
        assertThat(first.bodies.getFirst()).contains("\"name\":\"stage1\"");
    }

    @Test
    void theEnvironmentTakesAListToo() {
        first.json("GET /v1/environments/production/routes", 200, "[]");

        Run run = run(Map.of("APOLLO_SERVER", closed + "," + first.url()), "route", "list");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(first.requests).containsExactly("GET /v1/environments/production/routes");
    }

    @Test
    void anHttpAnswerIsFinalEvenAnError() {
        first.json("GET /v1/environments/production/services/shop/history", 404,
                "{\"error\":\"not_found\",\"message\":\"No service shop in production.\"}");

        Run run = run(Map.of(), "history", "shop", "--server", first.url() + "," + second.url());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("apollo: No service shop in production.\n");
        assertThat(second.requests).as("a request that reached a control plane is never sent to another").isEmpty();
    }

    @Test
    void anErrorFromTheOneThatAnsweredNamesThoseThatDidNot() {
        first.json("GET /v1/environments/production/services/shop/history", 404,
                "{\"error\":\"not_found\",\"message\":\"No service shop in production.\"}");

        Run run = run(Map.of(), "history", "shop", "--server", closed + "," + first.url());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("apollo: No service shop in production. (Answered by " + first.url()
                + "; not reached before it: " + closed + " (connection refused).)\n");
    }

    @Test
    void whenNoneAnswersTheErrorNamesEveryAddressAndWhatBecameOfIt() {
        Run run = run(Map.of("APOLLO_SERVER", closed + "," + alsoClosed), "status");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("apollo: No Apollo control plane answers at any of the 2 addresses given: " + closed
                + " (connection refused), " + alsoClosed + " (connection refused). Start one with: apollo up --detach"
                + " (or check the addresses in --server or APOLLO_SERVER)\n");
    }

    @Test
    void anEmptyAddressInTheListIsRefusedBeforeAnythingIsSent() {
        Run run = run(Map.of(), "status", "--server", first.url() + ",,");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--server '" + first.url() + ",,' has an empty address between commas");
        assertThat(first.requests).isEmpty();
    }
}
