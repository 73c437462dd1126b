package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.ApolloCommand;
import dev.apollo.cli.Context;
import dev.apollo.cli.Run;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What `apollo up` checks and hands to the server, without starting one. */
class UpCommandTest {
    @TempDir
    Path home;

    private Run run(String... args) {
        return Run.of(Map.of("APOLLO_HOME", home.toString()), args);
    }

    /** The flags ServerMain would get for this command line. */
    private List<String> serverFlags(Map<String, String> env, String... args) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        CommandLine root = new CommandLine(new ApolloCommand(new Context(java.io.InputStream.nullInputStream(), sink, sink, env, false, Clock.systemUTC())));
        CommandLine.ParseResult parsed = root.parseArgs(args);
        UpCommand up = (UpCommand) parsed.subcommand().commandSpec().userObject();
        return up.serverFlags();
    }

    @Test
    void anUnknownGatewayIsAUsageErrorNamingTheChoices() {
        Run run = run("up", "--gateway", "bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("apollo: gateway 'bogus': expected embedded|nginx").contains("See 'apollo up --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void theGatewayAndItsBinaryAreHandedToTheServer() {
        assertThat(serverFlags(Map.of(), "up", "--gateway", "nginx", "--nginx", "/opt/nginx/sbin/nginx"))
                .containsExactly("--gateway", "nginx", "--nginx", "/opt/nginx/sbin/nginx");
        assertThat(serverFlags(Map.of(), "up", "--gateway", "embedded")).containsExactly("--gateway", "embedded");
        assertThat(serverFlags(Map.of(), "up")).isEmpty();
        // Where nginx is, and whether apollo.conf chose it, the server knows: the CLI passes on only what was typed.
        assertThat(serverFlags(Map.of(), "up", "--gateway", "nginx")).containsExactly("--gateway", "nginx");
        assertThat(serverFlags(Map.of(), "up", "--nginx", "/opt/nginx/sbin/nginx"))
                .containsExactly("--nginx", "/opt/nginx/sbin/nginx");
    }

    @Test
    void theSchedulerAndTheStoreAreHandedToTheServerAsTyped() {
        assertThat(serverFlags(Map.of(), "up", "--scheduler", "local", "--store", "sqlite:other.db"))
                .containsExactly("--scheduler", "local", "--store", "sqlite:other.db");
        // Which schedulers and stores there are, the server knows, and it refuses the others by name.
        assertThat(serverFlags(Map.of(), "up", "--scheduler", "swarm")).containsExactly("--scheduler", "swarm");
    }

    @Test
    void theSharedStoreOptionsAreHandedToTheServerAsTyped() {
        // The server checks them against the store (apollo.conf may choose it) and refuses what does not apply.
        assertThat(serverFlags(Map.of(), "up", "--listen", "0.0.0.0:7700", "--lease-ms", "3000", "--advertise", "10.0.0.5"))
                .containsExactly("--lease-ms", "3000", "--advertise", "10.0.0.5");
    }

    @Test
    void logLimitsAreHandedToTheServerAndNonsenseIsAUsageError() {
        assertThat(serverFlags(Map.of(), "up", "--log-max-size", "512K", "--log-keep", "0"))
                .containsExactly("--log-max-size", "512K", "--log-keep", "0");

        Run size = run("up", "--log-max-size", "lots");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err()).startsWith("apollo: log-max-size: log size 'lots': expected bytes, or a number with K, M or G");
        Run keep = run("up", "--log-keep", "-1");
        assertThat(keep.exitCode()).isEqualTo(2);
        assertThat(keep.err()).startsWith("apollo: log-keep: -1 (expected: >= 0)");
    }

    @Test
    void apiLimitsAreHandedToTheServerAndNonsenseIsAUsageError() {
        assertThat(serverFlags(Map.of(), "up", "--api-header-timeout-ms", "2000", "--api-idle-timeout-ms", "5000",
                "--api-max-connections", "64")).containsExactly("--api-header-timeout-ms", "2000",
                "--api-idle-timeout-ms", "5000", "--api-max-connections", "64");

        Run connections = run("up", "--api-max-connections", "4");
        assertThat(connections.exitCode()).isEqualTo(2);
        assertThat(connections.err()).startsWith("apollo: api-max-connections: 4 (expected: >= 8)")
                .contains("See 'apollo up --help'.");
        Run header = run("up", "--api-header-timeout-ms", "0");
        assertThat(header.exitCode()).isEqualTo(2);
        assertThat(header.err()).startsWith("apollo: api-header-timeout-ms: 0 (expected: >= 1)");
        Run idle = run("up", "--api-idle-timeout-ms", "soon");
        assertThat(idle.exitCode()).isEqualTo(2);
        assertThat(idle.err()).contains("--api-idle-timeout-ms").contains("'soon'");
    }
}
