package dev.apollo.server.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Probe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of probe against the real thing: an HTTP server and a listener on port 0, a closed port, real commands. */
class LocalProbesTest {
    /** Generous: spawning a process on a busy build machine can take a while. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(500);

    private final LocalProbes probes = new LocalProbes();
    private HttpServer server;
    private Address serving;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/busy", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            sleep(Duration.ofSeconds(3));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        serving = new Address("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        probes.close();
    }

    private ProbeResult send(Address address, Probe probe) throws Exception {
        return send(address, probe, TIMEOUT);
    }

    private ProbeResult send(Address address, Probe probe, Duration timeout) throws Exception {
        return probes.probe(address, probe, timeout).get(10, TimeUnit.SECONDS);
    }

    private static Address closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Address("127.0.0.1", socket.getLocalPort());
        }
    }

    private static Probe.Command sh(String script) {
        return new Probe.Command(List.of("sh", "-c", script));
    }

    @Test
    void httpPassesOn2xxAndSaysWhatElseItGot() throws Exception {
        assertThat(send(serving, new Probe.Http("/ready"))).isEqualTo(ProbeResult.ok());
        assertThat(send(serving, new Probe.Http("/busy"))).isEqualTo(ProbeResult.failed("GET /busy answered 503"));
        assertThat(send(closedPort(), new Probe.Http("/ready"))).isEqualTo(ProbeResult.failed("GET /ready: connection refused"));
    }

    @Test
    void httpGivesUpAtTheTimeout() throws Exception {
        long started = System.nanoTime();
        assertThat(send(serving, new Probe.Http("/slow"), SHORT)).isEqualTo(ProbeResult.failed("GET /slow timed out after 500 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void tcpPassesWhenSomethingListensAndFailsOnAClosedPort() throws Exception {
        assertThat(send(serving, new Probe.Tcp())).isEqualTo(ProbeResult.ok());
        Address closed = closedPort();
        assertThat(send(closed, new Probe.Tcp())).isEqualTo(ProbeResult.failed("TCP connect to " + closed + ": connection refused"));
    }

    @Test
    void aCommandPassesOnExitZeroAndGetsTheInstancesAddress() throws Exception {
        assertThat(send(serving, sh("test \"$APOLLO_INSTANCE_HOST:$APOLLO_INSTANCE_PORT\" = " + serving))).isEqualTo(ProbeResult.ok());
        assertThat(send(serving, sh("exec true </dev/null"))).isEqualTo(ProbeResult.ok());
    }

    @Test
    void aCommandFailingSaysItsExitCodeAndItsLastLineOfOutput() throws Exception {
        assertThat(send(serving, sh("exit 1"))).isEqualTo(ProbeResult.failed("command sh -c exit 1 exited with code 1"));
        assertThat(send(serving, sh("echo checking; echo 'db: connection refused' >&2; exit 3")))
                .isEqualTo(ProbeResult.failed("command sh -c echo checking; echo 'db: connection refused' >&2; exit 3"
                        + " exited with code 3: db: connection refused"));
    }

    @Test
    void aCommandThatOutlivesTheTimeoutIsKilledWithWhatItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        long started = System.nanoTime();

        // Long enough for the shell to write the pid even on a busy machine, far shorter than the sleep.
        ProbeResult result = send(serving, sh("sleep 30 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(1_500));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).endsWith("timed out after 1500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(sleepPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aProgramThatIsNotThereFailsSayingSo() throws Exception {
        ProbeResult result = send(serving, new Probe.Command(List.of("/nonexistent/check", "--x")));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("command /nonexistent/check --x could not start: ");
    }

    @Test
    void programsAreFoundByAbsolutePathOrOnThePath(@TempDir Path dir) throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("check"), "#!/bin/sh\n");
        assertThat(CommandProbe.locate("sh")).get().satisfies(path -> assertThat(path).isAbsolute().isExecutable());
        assertThat(CommandProbe.locate("/bin/sh")).contains(Path.of("/bin/sh"));
        assertThat(CommandProbe.locate("no-such-program-anywhere")).isEmpty();
        assertThat(CommandProbe.locate(notExecutable.toString())).as("not executable").isEmpty();
        assertThat(CommandProbe.locate("/nonexistent/check")).isEmpty();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
