package dev.apollo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.core.ApolloException;
import dev.apollo.process.GracefulStop;
import dev.apollo.process.Launch;
import dev.apollo.process.LogLimits;
import dev.apollo.process.Processes;
import dev.apollo.process.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One process of the embedded web gateway, a JVM of its own, so it keeps routing with its last
 * table when the control plane dies. It writes its state file ({@code pid}, {@code web},
 * {@code rpc}) once it listens, and carries that file's path on its command line: that is how the
 * next control plane finds it again, whatever port that one listens on.
 */
final class GatewayProcess {
    private static final String MAIN = "dev.apollo.gateway.GatewayMain";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Its output, in the data dir; the gateway keeps it under the control plane's log limits. */
    static final String LOG_FILE = "gateway.log";
    /** How many gateway processes run: one serves, one stands by (see {@link GatewaySupervisor}). */
    static final int PROCESSES = 2;
    /** Of the processes, the one holding this file's lock serves. */
    private static final String SERVING_LOCK = "gateway.lock";

    private final Path stateFile;
    private final ProcessHandle process;

    private GatewayProcess(Path stateFile, ProcessHandle process) {
        this.stateFile = stateFile;
        this.process = process;
    }

    /** The running gateway process that writes {@code stateFile}, if there is one. */
    static Optional<GatewayProcess> find(Path stateFile) {
        return Processes.carrying(stateFileArgument(stateFile)).stream().findFirst().map(p -> new GatewayProcess(stateFile, p));
    }

    /**
     * Starts a gateway process listening on {@code web} and {@code rpc} (HOST:PORT, port 0 for any)
     * and returns once it listens (or, while the other process serves, once it stands by: see
     * {@link GatewaySupervisor}); throws {@link ApolloException} with its last output when it cannot.
     * {@code partnerStateFile} is the other process's, whose listening sockets it takes when that one runs.
     */
    static GatewayProcess start(Path home, Path stateFile, Path partnerStateFile, String web, String rpc, String domain,
            LogLimits logs) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // One event loop thread per process and a live set of a few MB: the serial collector's young pauses
                // are short, and its write barrier is cheaper than G1's on every reference the proxy stores
                // (~0.9 µs of user CPU per request: docs/ARCHITECTURE.md, the embedded gateway's step 6).
                "-XX:+UseSerialGC",
                // Netty's native transport (epoll, listening sockets handed between the processes) is a JNI library.
                "--enable-native-access=ALL-UNNAMED",
                "-cp", ownJar(), MAIN,
                "--control-file", home.resolve("server.json").toAbsolutePath().toString(),
                // The other control planes of a shared store (DataDir.recordPeers): the way to the leader once this
                // data dir's control plane is gone.
                "--peers-file", home.resolve(DataDir.PEERS).toAbsolutePath().toString(),
                "--token-file", home.resolve("token").toAbsolutePath().toString(),
                "--web", web,
                "--rpc", rpc,
                "--domain", domain,
                "--event-loops", Integer.toString(eventLoops(Runtime.getRuntime().availableProcessors())),
                // One of the two processes serves, the other stands by with the same listening sockets (GatewaySupervisor).
                "--serving-lock", home.resolve(SERVING_LOCK).toAbsolutePath().toString(),
                "--hand-off", handOffSocket(stateFile).toString(),
                "--hand-off-from", handOffSocket(partnerStateFile).toString(),
                // A process of an older Apollo may still serve alone on the ports: the new one binds beside it
                // (GatewaySupervisor checks that no one else holds them).
                "--shared-ports", "true",
                stateFileArgument(stateFile),
                "--routes-cache", home.resolve("routes.json").toAbsolutePath().toString(),
                "--log-max-size", Long.toString(logs.maxBytes()),
                "--log-keep", Integer.toString(logs.keep()));
        // A log per process: each caps and rotates its own, which two writers of one file could not do safely.
        Path log = besides(stateFile, ".log");
        try {
            // The file is left in place: it names the previous process until the new one writes its own.
            Process process = Launch.of(command).inOwnSession().appendingOutputTo(log).start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new ApolloException("the web gateway could not start (exit code " + process.exitValue() + "): "
                            + lastLines(log) + " — if its port is taken, choose another with 'apollo up --web HOST:PORT'.");
                }
                if (readState(stateFile).map(s -> s.path("pid").asLong() == process.pid()).orElse(false)) {
                    return new GatewayProcess(stateFile, process.toHandle());
                }
                Thread.sleep(10); // the gateway writes its state file once it listens; there is nothing to wait on
            }
            process.destroyForcibly();
            throw new ApolloException("the web gateway did not start within " + START_TIMEOUT.toSeconds() + " s; see " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the web gateway: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApolloException("interrupted while starting the web gateway", e);
        }
    }

    /**
     * Event loops of the serving process on a machine of {@code cores}: half of them, the instances and
     * the control plane share the rest. One loop on 2 cores serves more requests, at a shorter tail, than
     * two (docs/ARCHITECTURE.md, the embedded gateway's step 7).
     */
    static int eventLoops(int cores) {
        return Math.max(1, cores / 2);
    }

    /** Where the process of {@code stateFile} offers its listening sockets to the other one. */
    private static Path handOffSocket(Path stateFile) {
        return besides(stateFile, ".sock").toAbsolutePath();
    }

    /** gateway-2.json's gateway-2.log, gateway-2.sock... */
    private static Path besides(Path stateFile, String extension) {
        return stateFile.resolveSibling(stateFile.getFileName().toString().replaceFirst("\\.json$", "") + extension);
    }

    /** Whether it serves, rather than standing by for the other process (a process of an older Apollo always serves). */
    boolean serving() {
        return readState(stateFile).filter(s -> s.path("pid").asLong() == process.pid())
                .map(s -> s.path("serving").asBoolean(true)).orElse(false);
    }

    /** Where the gateway listens for web traffic, as HOST:PORT; "" when its state file cannot be read. */
    String webAddress() {
        return readState(stateFile).map(s -> s.path("web").asText()).orElse("");
    }

    /** Where the gateway listens for RPC calls, as HOST:PORT; "" when its state file cannot be read. */
    String rpcAddress() {
        return readState(stateFile).map(s -> s.path("rpc").asText()).orElse("");
    }

    Path stateFile() {
        return stateFile;
    }

    long pid() {
        return process.pid();
    }

    /** Whether it still runs (an exited process not yet reaped does not count). */
    boolean running() {
        return Processes.running(process);
    }

    /** Stops the gateway (apollo down); it finishes the requests it is serving first. */
    void stop(Duration grace) {
        new GracefulStop(Signal.TERM, grace).stop(process);
    }

    /** Names the gateway's state file on its command line: how the next control plane finds it again. */
    private static String stateFileArgument(Path stateFile) {
        return "--state-file=" + stateFile;
    }

    private static Optional<JsonNode> readState(Path stateFile) {
        try {
            return Files.exists(stateFile) ? Optional.of(Json.mapper().readTree(stateFile.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // being replaced right now; the next read sees the new one
        }
    }

    private static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static String ownJar() {
        try {
            return Path.of(GatewayProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the Apollo jar", e);
        }
    }
}
