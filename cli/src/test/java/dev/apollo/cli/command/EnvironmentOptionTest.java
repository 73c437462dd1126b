package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The one -e/--env option: production unless given, every environment where a command can show them all. */
class EnvironmentOptionTest {
    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    private Run run(String... args) {
        return api.cli(home, args);
    }

    @Test
    void withoutItACommandActsOnProductionAndWithItOnTheOneGiven() {
        run("route", "list");
        run("route", "list", "-e", "stage1");
        run("history", "web", "--environment", "stage1");
        run("history", "web");

        assertThat(api.requests).containsExactly("GET /v1/environments/production/routes",
                "GET /v1/environments/stage1/routes", "GET /v1/environments/stage1/services/web/history",
                "GET /v1/environments/production/services/web/history");
    }

    @Test
    void statusListsEveryEnvironmentUnlessOneIsGivenButShowsOneServiceOfProduction() {
        api.json("GET /v1/services", 200, "[]");
        run("status");
        run("status", "-e", "stage1");
        run("status", "web");

        // The list also asks who leads (a control plane sharing its store shows the others under its services).
        assertThat(api.requests).containsExactly("GET /v1/leadership", "GET /v1/services", "GET /v1/gateway",
                "GET /v1/leadership", "GET /v1/services?environment=stage1", "GET /v1/gateway",
                "GET /v1/environments/production/services/web");
    }

    @Test
    void scaleSuggestsAStatusCommandForTheSameEnvironment() {
        String release = "{\"id\":\"r3\",\"version\":\"1.0.0\",\"instances\":4}";
        api.json("PUT /v1/environments/stage1/services/web/instances", 200, release);
        api.json("PUT /v1/environments/production/services/web/instances", 200, release);

        assertThat(run("scale", "web", "-n", "4", "-e", "stage1").out()).endsWith("Watch it with: apollo status web -e stage1\n");
        assertThat(run("scale", "web", "-n", "4").out()).endsWith("Watch it with: apollo status web\n");
    }

    @Test
    void theHelpSaysWhatNoEnvironmentMeans() {
        assertThat(run("logs", "--help").out()).containsPattern("-e, --environment=ENV +Environment \\(default: production\\)\\.");
        assertThat(run("status", "--help").out()).contains("Environment (default: all for the list, production");
        assertThat(run("gateway", "config", "--help").out()).contains("Only this environment's part (default: all).");
    }
}
