package dev.apollo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: Debian's {@code initdb} and {@code pg_ctl} make one in a
 * temporary directory and start it on a free loopback port, with password authentication over TCP.
 * {@link #shared()} starts one per JVM, stopped (and its directory deleted) when the JVM exits; a
 * test that stops and starts the server itself makes its own with {@link #start()} and closes it.
 *
 * <p>PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the {@code postgres}
 * user that Debian's package creates and every command runs through {@code runuser}. Only this
 * cluster's own data directory is ever stopped.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "apollo";
    public static final String PASSWORD = "apollo-test-password";
    private static final String RUN_AS = "postgres";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private static PostgresCluster shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asRoot;
    private final AtomicInteger databases = new AtomicInteger();
    private boolean running;

    private PostgresCluster(Path bin, Path dir, int port, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asRoot = asRoot;
    }

    /** The JVM's cluster, started on first use and stopped when the JVM exits. */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            PostgresCluster cluster = start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "postgres-cluster-stop"));
            shared = cluster;
        }
        return shared;
    }

    /** A cluster of the caller's own: initialised and started now, stopped and deleted by {@link #close()}. */
    public static PostgresCluster start() {
        Path bin = binaries();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("apollo-pg-");
            PostgresCluster cluster = new PostgresCluster(bin, dir, freePort(), asRoot);
            cluster.init();
            cluster.startServer();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make a temporary PostgreSQL cluster", e);
        }
    }

    public int port() {
        return port;
    }

    /** A new, empty database in this cluster, owned by {@link #USER}; its name. */
    public String createDatabase() {
        String name = "apollo_test_" + databases.incrementAndGet();
        run(false, List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, name));
        return name;
    }

    /** {@code postgresql://127.0.0.1:PORT/DATABASE?user=apollo}: the form {@code apollo up --store} takes. */
    public String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** Stops the server at once, as a crash or a lost machine would (immediate mode: no checkpoint). */
    public synchronized void stopServer() {
        if (running) {
            pgCtl("-m", "immediate", "stop");
            running = false;
        }
    }

    /** Starts the server again on the same port and data. */
    public synchronized void startServer() {
        if (!running) {
            pgCtl("-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                    + " -c max_connections=200", "-l", dir.resolve("server.log").toString(), "start");
            running = true;
        }
    }

    @Override
    public synchronized void close() {
        try {
            stopServer();
        } finally {
            deleteTree(dir);
        }
    }

    private void init() throws IOException {
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (asRoot) {
            run(false, List.of("chown", "-R", RUN_AS + ":", dir.toString()));
        }
        // scram over TCP, as a real deployment has it; fsync=off because a test cluster need not survive the machine.
        run(true, List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync"));
    }

    private void pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-w", "-t", "60"));
        command.addAll(List.of(args));
        run(true, command);
    }

    /** Runs a PostgreSQL program; {@code asOwner}: as the cluster's owner (postgres when we are root). */
    private void run(boolean asOwner, List<String> command) {
        List<String> full = new ArrayList<>();
        if (asOwner && asRoot) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        try {
            Path output = Files.createTempFile("apollo-pg-cmd-", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                        .directory(dir.toFile());
                Map<String, String> env = builder.environment();
                env.put("PGPASSWORD", PASSWORD);
                Process process = builder.start();
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", full) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", full) + " failed (exit " + process.exitValue() + "):\n"
                            + Files.readString(output, StandardCharsets.UTF_8) + serverLog());
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", full), e);
        }
    }

    private String serverLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? "server log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The newest installed PostgreSQL's programs: {@code APOLLO_PG_BIN} if set, else Debian's
     * {@code /usr/lib/postgresql/N/bin}.
     */
    static Path binaries() {
        Optional<Path> configured = Optional.ofNullable(System.getenv("APOLLO_PG_BIN")).map(Path::of);
        if (configured.isPresent()) {
            return configured.get();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(PostgresCluster::major))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(PostgresCluster::notInstalled);
        } catch (IOException e) {
            throw notInstalled();
        }
    }

    private static int major(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("These tests run a real PostgreSQL and found no initdb under /usr/lib/postgresql/*/bin:"
                + " apt-get install postgresql (./test and .ci/run do it when they run as root), or set APOLLO_PG_BIN.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless; the stopped server is what matters.
        }
    }
}
