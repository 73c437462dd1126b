package dev.apollo.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.cli.CliException;
import dev.apollo.cli.Run;
import dev.apollo.client.ServerFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping a real child JVM (a fake control plane), as `up --detach` and `down` do. */
class LocalControlPlaneTest {
    @TempDir
    Path home;

    private ServerFile started;

    private LocalControlPlane plane() {
        return new LocalControlPlane(home, Map.of(), System.getProperty("java.class.path"), FakeServerMain.class.getName());
    }

    @AfterEach
    void killLeftovers() {
        if (started != null) {
            ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startsDetachedOnAFreePortThenUpSeesItAndDownStopsIt() {
        started = plane().startDetached("127.0.0.1:0");

        assertThat(started.processAlive()).isTrue();
        assertThat(plane().running()).contains(started);
        assertThat(home.resolve("server.log")).content().contains("listening on " + started.url());

        Run up = Run.of(Map.of(), "up", "--detach", "--home", home.toString());
        assertThat(up.exitCode()).isZero();
        assertThat(up.out()).contains("already running at " + started.url() + " (pid " + started.pid())
                .doesNotContain("Not applied");
        Run upWithOptions = Run.of(Map.of(), "up", "--detach", "--home", home.toString(), "--lease-ms", "3000",
                "--rollback-window", "60");
        assertThat(upWithOptions.out()).as("options a running control plane ignores are named, not swallowed")
                .contains("Not applied: --lease-ms, --rollback-window", "apollo down, then apollo up");

        Run down = Run.of(Map.of(), "down", "--home", home.toString());
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("Stopped the Apollo control plane (pid " + started.pid());
        assertThat(started.processAlive()).isFalse();
        assertThat(Run.of(Map.of(), "down", "--home", home.toString()).out()).startsWith("No Apollo control plane is running");
    }

    @Test
    void aServerThatDiesWhileStartingIsReportedWithItsLastLogLines() throws IOException {
        Files.writeString(home.resolve("server.log"), "an older run's line\n");

        assertThatThrownBy(() -> plane().startDetached("127.0.0.1:1"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
                .hasMessageContaining("exited while starting (exit code 3)")
                .hasMessageContaining("\n  starting\n  cannot listen on 127.0.0.1:1: permission denied")
                .message().doesNotContain("older run");
    }

    @Test
    void aServerThatRefusesItsConfigurationIsAUsageErrorInItsOwnWords() {
        assertThatThrownBy(() -> plane().startDetached("127.0.0.1:2"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("unknown scheduler 'nope': known schedulers are local.");
    }

    @Test
    void aStaleServerFileIsNotARunningServer() throws IOException {
        Files.writeString(home.resolve("server.json"), "{\"url\":\"http://127.0.0.1:9\",\"pid\":" + deadPid() + "}");

        assertThat(plane().running()).isEmpty();
        assertThat(LocalControlPlane.awaitExit(deadPid(), Duration.ofSeconds(1))).isTrue();
        assertThat(plane().command("127.0.0.1:7700"))
                .containsSequence(FakeServerMain.class.getName(), "--home", home.toString(), "--listen", "127.0.0.1:7700")
                .contains("-XX:+UseSerialGC");
    }

    private static long deadPid() {
        try {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                    .redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor();
            return process.pid();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
