package dev.apollo.cli.local;

import dev.apollo.cli.CliException;
import dev.apollo.client.ApiException;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.ApolloClientException;
import dev.apollo.client.Connection;
import dev.apollo.client.ServerFile;
import dev.apollo.process.Launch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The control plane as a process on this machine, for one data dir: finds a running one, starts
 * one as a child JVM (in the foreground or detached), and waits for one to go away.
 */
public final class LocalControlPlane {
    public static final String SERVER_MAIN = "dev.apollo.server.ServerMain";
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_LINES = 20;
    /** ServerMain's exit code for a flag or an apollo.conf line it cannot take; it says which on stderr. */
    public static final int SERVER_REFUSED_CONFIGURATION = 2;
    private static final String SERVER_SAYS = "apollo server: ";

    private final Path home;
    private final Map<String, String> env;
    private final String classpath;
    private final String mainClass;
    private final List<String> serverFlags;

    LocalControlPlane(Path home, Map<String, String> env, String classpath, String mainClass) {
        this(home, env, classpath, mainClass, List.of());
    }

    private LocalControlPlane(Path home, Map<String, String> env, String classpath, String mainClass, List<String> serverFlags) {
        this.home = home;
        this.env = env;
        this.classpath = classpath;
        this.mainClass = mainClass;
        this.serverFlags = List.copyOf(serverFlags);
    }

    /** The same control plane, started with these extra flags for ServerMain (e.g. --max-instances 500). */
    public LocalControlPlane withServerFlags(List<String> flags) {
        return new LocalControlPlane(home, env, classpath, mainClass, flags);
    }

    /** The control plane of {@code home}, run from the jar (or classes dir) this CLI was loaded from. */
    public static LocalControlPlane of(Path home, Map<String, String> env) {
        return new LocalControlPlane(home, env, ownClasspath(), SERVER_MAIN);
    }

    static String ownClasspath() {
        try {
            return Path.of(LocalControlPlane.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the Apollo jar", e);
        }
    }

    public Path home() {
        return home;
    }

    public Path logFile() {
        return home.resolve("server.log");
    }

    /** The control plane serving this data dir, when its process is alive and it answers. */
    public Optional<ServerFile> running() {
        return ServerFile.read(home).filter(ServerFile::processAlive).filter(this::answers);
    }

    List<String> command(String listen) {
        List<String> command = javaAndHome();
        command.addAll(List.of("--listen", listen));
        command.addAll(serverFlags);
        return command;
    }

    /**
     * The control plane's command line without a listen address, for a service manager to run: where
     * it listens is then the data dir's apollo.conf's to say ({@code listen = HOST:PORT}), else 127.0.0.1:7700.
     */
    public List<String> serviceCommand() {
        List<String> command = javaAndHome();
        command.addAll(serverFlags);
        return command;
    }

    private List<String> javaAndHome() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // sqlite-jdbc loads a native library; newer JDKs warn unless it is allowed explicitly.
        return new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath, mainClass, "--home", home.toString()));
    }

    /** Runs the control plane with this terminal until it exits. Ctrl-C stops the control plane only:
     * instances run in sessions of their own and are adopted by the next start ({@code apollo down} stops them). */
    public int runForeground(String listen) {
        Process process = start(new ProcessBuilder(command(listen)).inheritIO());
        Thread stopChild = new Thread(() -> {
            process.destroy();
            waitFor(process, STOP_TIMEOUT);
        }, "apollo-stop-control-plane");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and will wait for the child
            }
        }
    }

    /** Starts the control plane in the background, its output appended to server.log; returns once it answers. */
    public ServerFile startDetached(String listen) {
        createHome();
        Path log = logFile();
        long logStart = LogTail.size(log);
        // A daemon: a session of its own (no controlling terminal, its own process group), so neither a
        // hangup of the caller's terminal nor a kill of the caller's process group reaches it.
        Process process;
        try {
            process = Launch.of(command(listen)).inOwnSession().appendingOutputTo(log).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                List<String> lines = LogTail.lastLines(log, logStart, LOG_LINES);
                Optional<String> refusal = refusal(process.exitValue(), lines);
                if (refusal.isPresent()) {
                    // The server owns its flags' values (known schedulers, stores, gateways): its sentence is the usage error.
                    throw CliException.usage(refusal.get());
                }
                throw CliException.failed("The control plane exited while starting (exit code " + process.exitValue()
                        + "). The last lines of " + log + ":" + indented(lines));
            }
            // server.json may be a stale one from an earlier run until our child writes its own.
            Optional<ServerFile> file = ServerFile.read(home).filter(f -> f.pid() == process.pid());
            if (file.isPresent() && answers(file.get())) {
                return file.get();
            }
            if (System.nanoTime() > deadline) {
                process.destroy();
                throw CliException.failed("The control plane (pid " + process.pid() + ") did not answer within "
                        + START_TIMEOUT.toSeconds() + " s, so it was stopped. The last lines of " + log + ":"
                        + indented(LogTail.lastLines(log, logStart, LOG_LINES)));
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** What the server said when it refused its configuration, without its prefix; empty for any other exit. */
    static Optional<String> refusal(int exitCode, List<String> output) {
        if (exitCode != SERVER_REFUSED_CONFIGURATION) {
            return Optional.empty();
        }
        List<String> said = output.stream()
                .filter(line -> line.startsWith(SERVER_SAYS))
                .map(line -> line.substring(SERVER_SAYS.length()))
                .toList();
        return said.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", said));
    }

    /** Waits until the process is gone; false when it is still there at the deadline. */
    public static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(200));
        }
        return true;
    }

    /** Any answer counts, even a 401: something that speaks the API is listening there. */
    private boolean answers(ServerFile file) {
        try (ApolloClient client = ApolloClient.connect(Connection.discover(home, env, Optional.of(file.url().toString())))) {
            client.info();
            return true;
        } catch (ApiException e) {
            return true;
        } catch (ApolloClientException e) {
            return false;
        }
    }

    private void createHome() {
        try {
            if (!Files.isDirectory(home)) {
                // Private from the start: it will hold the desired state, secrets' key and every log.
                Files.createDirectories(home, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw CliException.failed("Cannot create the data dir " + home + ": " + e.getMessage());
        }
    }

    private static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command().getFirst(), e);
        }
    }

    private static void waitFor(Process process, Duration timeout) {
        try {
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("Interrupted.");
        }
    }

    private static String indented(List<String> lines) {
        return lines.isEmpty() ? " (nothing)" : "\n  " + String.join("\n  ", lines);
    }
}
