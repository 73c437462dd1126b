package dev.apollo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI decides without a server: usage errors, help, exit codes. */
class MainTest {
    @TempDir
    Path home;

    private String closedServer;

    @BeforeEach
    void findAClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            closedServer = "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Run run(String... args) {
        return Run.of(Map.of("APOLLO_HOME", home.toString()), args);
    }

    @Test
    void aNegativeInstanceCountIsAUsageError() {
        Run run = run("deploy", "web-service:1.0", "-n", "-1", "--server", closedServer);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("apollo: instances: -1 (expected: >= 0)\n")
                .contains("See 'apollo artifact-deploy --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anArtifactWithoutAVersionIsAUsageError() {
        Run run = run("artifact-deploy", "web-service", "--server", closedServer);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("apollo: artifact 'web-service': expected NAME:VERSION (e.g. web-service:1.0.0)");
    }

    @Test
    void scaleChecksTheCountToo() {
        Run run = run("scale", "web-service", "-n", "-3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("instances: -3 (expected: >= 0)");
    }

    @Test
    void anUnknownOptionIsNamedBeforeAMissingRequiredOne() {
        Run run = run("scale", "web-service", "--count", "3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("apollo: Unknown option: '--count'").doesNotContain("Missing required option")
                .contains("See 'apollo scale --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownOptionIsNamedFirstInEveryCommand() {
        // A subcommand two levels down, a command with a required positional, and one whose options are all optional.
        assertThat(run("route", "add", "--paht", "/x").err()).startsWith("apollo: Unknown option: '--paht'")
                .contains("See 'apollo route add --help'.");
        assertThat(run("deploy", "--instance", "2").err()).startsWith("apollo: Unknown option: '--instance'")
                .contains("Possible solutions: --instances");
        assertThat(run("status", "--verbose", "--server", closedServer).err()).startsWith("apollo: Unknown option: '--verbose'");
    }

    @Test
    void nothingRunningMeansExitThreeAndTheHowToStartHint() {
        Run run = run("status", "--server", closedServer);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("apollo: The Apollo control plane is not running at " + closedServer
                + ". Start it with: apollo up --detach\n");
    }

    @Test
    void globalOptionsWorkBeforeTheCommandAndFromTheEnvironment() {
        assertThat(run("--server", closedServer, "ps").err()).contains("not running at " + closedServer);
        assertThat(Run.of(Map.of("APOLLO_HOME", home.toString(), "APOLLO_SERVER", closedServer), "history", "web").err())
                .contains("not running at " + closedServer);
    }

    @Test
    void theServerFileOfTheDataDirIsUsedWhenNothingElseIsGiven() throws IOException {
        Files.writeString(home.resolve("server.json"), "{\"url\":\"" + closedServer + "\",\"pid\":1}");

        assertThat(run("artifact", "list").err()).contains("not running at " + closedServer);
    }

    @Test
    void helpWorksEverywhereAndGoesToStdout() {
        for (String[] args : new String[][] {{"--help"}, {"deploy", "--help"}, {"artifact", "push", "--help"}, {"logs", "-h"}}) {
            Run run = run(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).startsWith("Usage: apollo");
        }
    }

    @Test
    void aTypoSuggestsTheCommand() {
        Run run = run("stauts");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("apollo status");
    }

    @Test
    void pushChecksTheFileBeforeSendingAnything() {
        Run run = run("artifact", "push", home.resolve("missing.jar").toString(), "--name", "web", "--version", "1.0.0",
                "--server", closedServer);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("missing.jar': no such file");
    }

    @Test
    void downWithNothingRunningSaysSo() {
        Run run = run("down");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("No Apollo control plane is running for data dir " + home + ".\n");
    }

    @Test
    void theOutputFormatIsCaseInsensitiveAndChecked() {
        assertThat(run("-o", "JSON", "status", "--server", closedServer).exitCode()).isEqualTo(3);
        assertThat(run("-o", "yaml", "status").exitCode()).isEqualTo(2);
    }

    @Test
    void aBadServerUrlIsReportedWithoutAStackTrace() {
        Run run = run("status", "--server", "ftp://nowhere");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("apollo: --server 'ftp://nowhere' is not a control plane address").doesNotContain("\tat ");
    }
}
