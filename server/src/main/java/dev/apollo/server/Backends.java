package dev.apollo.server;

import dev.apollo.core.ApolloException;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import dev.apollo.scheduler.local.ProcessScheduler;
import dev.apollo.scheduler.swarm.SwarmScheduler;
import dev.apollo.store.postgres.PostgresLocation;
import dev.apollo.store.postgres.PostgresStore;
import dev.apollo.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The adapters a control plane runs on, chosen by {@code apollo up --scheduler} and {@code --store}
 * (or {@code scheduler =} and {@code store =} in apollo.conf): read into a choice when the config is
 * parsed, opened when the control plane starts. The one place that names them: another backend
 * is one more record and one more case here.
 */
public final class Backends {
    private static final String SQLITE = "sqlite:";
    private static final String POSTGRES = PostgresLocation.SCHEME + "://";
    /** Where a {@code postgresql://} store's password comes from when no file is given. */
    public static final String PASSWORD_VARIABLE = "APOLLO_STORE_PASSWORD";

    private Backends() {}

    /** Where instances run. */
    public sealed interface SchedulerChoice {
        /** As processes on this machine, their records in the data dir ({@link ProcessScheduler}). */
        record Local() implements SchedulerChoice {}

        /**
         * As Docker Swarm services, through the local engine, which must be a Swarm manager
         * ({@link SwarmScheduler}); the services are this data dir's (their namespace is derived from it).
         */
        record Swarm() implements SchedulerChoice {}
    }

    /** Where desired state, history and events are kept. */
    public sealed interface StoreChoice {
        /** A SQLite file ({@link SqliteStore}); a relative path is in the data dir. */
        record Sqlite(Path file) implements StoreChoice {
            /** The file, for a control plane whose data dir is {@code home}. */
            public Path in(Path home) {
                return home.resolve(file);
            }
        }

        /**
         * A PostgreSQL database ({@link PostgresStore}), which several control planes may share: one
         * leads, the others stand by.
         */
        record Postgres(PostgresLocation location) implements StoreChoice {}
    }

    /** Today's choices: local processes, and apollo.db in the data dir. */
    public static final SchedulerChoice DEFAULT_SCHEDULER = new SchedulerChoice.Local();
    public static final StoreChoice DEFAULT_STORE = new StoreChoice.Sqlite(Path.of("apollo.db"));

    /** A {@code --scheduler} value. */
    public static SchedulerChoice scheduler(String value) {
        return switch (value) {
            case "local" -> new SchedulerChoice.Local();
            case "swarm" -> new SchedulerChoice.Swarm();
            default -> throw new ApolloException.Invalid("unknown scheduler '" + value + "': known schedulers are local,"
                    + " swarm.");
        };
    }

    /** A {@code --store} value. */
    public static StoreChoice store(String value) {
        if (value.startsWith(SQLITE)) {
            String file = value.substring(SQLITE.length());
            if (file.isBlank()) {
                throw new ApolloException.Invalid("store '" + value + "': expected sqlite:PATH (e.g. sqlite:apollo.db,"
                        + " in the data dir, or sqlite:/var/lib/apollo/apollo.db).");
            }
            try {
                return new StoreChoice.Sqlite(Path.of(file));
            } catch (InvalidPathException e) {
                throw new ApolloException.Invalid("store '" + value + "': " + e.getMessage());
            }
        }
        if (value.startsWith(POSTGRES)) {
            return new StoreChoice.Postgres(PostgresLocation.parse(value));
        }
        throw new ApolloException.Invalid("unknown store '" + value + "': known stores are sqlite:PATH and"
                + " postgresql://HOST:PORT/DB?user=U.");
    }

    static Scheduler openScheduler(SchedulerChoice choice, DataDir dataDir) {
        return openScheduler(choice, dataDir.root(), swarmNamespace(dataDir.root()));
    }

    /**
     * The scheduler of a control plane that may share its instances with others: the local one on the
     * state directory {@code home}, the Swarm one in {@code namespace}.
     */
    static Scheduler openScheduler(SchedulerChoice choice, Path home, String namespace) {
        return switch (choice) {
            case SchedulerChoice.Local local -> ProcessScheduler.open(home, ProcessScheduler.Options.defaults());
            case SchedulerChoice.Swarm swarm -> SwarmScheduler.open(SwarmScheduler.Options.defaults().withNamespace(namespace));
        };
    }

    /**
     * The Swarm namespace of the control planes sharing one database: the cluster's identity, kept in the
     * database, so whichever of them leads labels and adopts the same services.
     */
    static String swarmNamespace(String clusterId) {
        if (!clusterId.matches("[0-9a-f]{8,}")) {
            throw new IllegalArgumentException("cluster id: '" + clusterId + "' (expected: at least 8 hex digits)");
        }
        return "apollo-" + clusterId.substring(0, 8);
    }

    /**
     * The Swarm namespace of a data dir: two control planes with data dirs of their own on one swarm
     * must not adopt each other's services, as two local schedulers never adopt each other's processes.
     */
    static String swarmNamespace(Path home) {
        try {
            byte[] path = home.toRealPath().toString().getBytes(StandardCharsets.UTF_8);
            return "apollo-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(path)).substring(0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not resolve the data dir " + home, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Store openStore(StoreChoice choice, DataDir dataDir, Clock clock, Optional<Path> passwordFile) {
        return switch (choice) {
            case StoreChoice.Sqlite sqlite -> SqliteStore.open(sqlite.in(dataDir.root()), clock);
            case StoreChoice.Postgres postgres -> PostgresStore.open(postgres.location(),
                    password(passwordFile, System.getenv(PASSWORD_VARIABLE)), clock, PostgresStore.Options.defaults());
        };
    }

    /**
     * A {@code postgresql://} store's password: the file's first line when a file is given, else the
     * variable, else none (a database that trusts this host, or a .pgpass the driver reads).
     */
    static String password(Optional<Path> file, String variable) {
        if (file.isPresent()) {
            try {
                return Files.readAllLines(file.get(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
            } catch (IOException e) {
                throw new ApolloException.Invalid("--store-password-file " + file.get() + ": cannot read it (" + e.getMessage()
                        + "). Give a readable file whose first line is the store's password, or set " + PASSWORD_VARIABLE + ".");
            }
        }
        return variable;
    }
}
