package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DashboardCommandTest {
    private static final String LINK = """
            {"url":"http://127.0.0.1:7700/dashboard/login?code=abc","expiresAt":"2025-01-01T00:01:00Z"}""";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    @Test
    void printsTheOneTimeLinkAndHowLongItIsGood() {
        api.json("POST /v1/dashboard/links", 201, LINK);

        Run run = api.cli(CLOCK, home, "dashboard", "--no-open");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("once, within 60 s", "http://127.0.0.1:7700/dashboard/login?code=abc");
        assertThat(api.requests).containsExactly("POST /v1/dashboard/links");
    }

    @Test
    void asJsonPrintsTheLinkOnly() {
        api.json("POST /v1/dashboard/links", 201, LINK);

        Run run = api.cli(CLOCK, home, "dashboard", "--no-open", "-o", "json");

        assertThat(run.out()).contains("\"url\"", "code=abc").doesNotContain("Open the dashboard");
    }

    @Test
    void anOlderControlPlaneWithoutTheDashboardSaysSo() {
        api.json("POST /v1/dashboard/links", 404, "{\"error\":\"not_found\",\"message\":\"no API endpoint at /v1/dashboard/links; see docs/API.md.\"}");

        Run run = api.cli(CLOCK, home, "dashboard", "--no-open");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("no API endpoint at /v1/dashboard/links");
    }
}
