package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import static java.util.stream.Collectors.joining;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EnvironmentRules;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import dev.apollo.store.jdbc.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The {@link Store} on one SQLite file.
 *
 * <p>One connection serves every call, one call at a time: SQLite runs one write transaction at a
 * time anyway, and a control plane writes a few times a second. The lock is a ReentrantLock
 * because callers may be virtual threads. WAL with {@code synchronous=FULL} makes a transaction
 * durable before its commit returns, so a kill -9 loses nothing that was committed.
 */
public final class SqliteStore implements Store {
    static final int KEEP_EVENTS = 100_000;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path file;
    private final Connection connection;
    private final long keepEvents;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteStore(Path file, Connection connection, long keepEvents) {
        this.file = file;
        this.connection = connection;
        this.keepEvents = keepEvents;
    }

    /** Opens the database, creating it, its directory and the {@code production} environment as needed. */
    public static SqliteStore open(Path databaseFile, Clock clock) {
        return open(databaseFile, clock, KEEP_EVENTS);
    }

    /** As {@link #open(Path, Clock)}, keeping only the newest {@code keepEvents} events. */
    static SqliteStore open(Path databaseFile, Clock clock, long keepEvents) {
        Objects.requireNonNull(clock, "clock");
        Path file = databaseFile.toAbsolutePath();
        Connection connection = connect(file);
        SqliteStore store = new SqliteStore(file, connection, keepEvents);
        try {
            store.run("prepare the schema", c -> {
                Migrations.apply(c, file);
                return null;
            });
            Environment production = new Environment(EnvironmentName.PRODUCTION, Optional.empty(), clock.instant());
            store.write("create environment production", c -> EnvironmentRows.insertIfAbsent(c, production));
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Connection connect(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(file)) {
                // Created private before SQLite opens it: its -wal and -shm files take the database's mode.
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            // Through SQLiteConfig rather than DriverManager: works in a shaded jar without service files.
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (IOException | SQLException e) {
            throw new StoreException("Could not open the Apollo database " + file + ": " + e.getMessage()
                    + ". Check that its directory is writable and that the file is an SQLite database.", e);
        }
    }

    @Override
    public List<Environment> environments() {
        return run("list environments", EnvironmentRows::all);
    }

    @Override
    public Optional<Environment> environment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        return run("read environment " + name, c -> EnvironmentRows.find(c, name));
    }

    @Override
    public void createEnvironment(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        write("create environment " + environment.name(), c -> {
            EnvironmentRules.requireCreatable(environment, EnvironmentRows.all(c));
            EnvironmentRows.insertIfAbsent(c, environment);
            return null;
        });
    }

    @Override
    public void deleteEnvironment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        write("delete environment " + name, c -> {
            EnvironmentRules.requireDeletable(name, EnvironmentRows.all(c));
            EnvironmentRules.requireNoActiveRelease(name, ReleaseRows.activeIn(c, name));
            EnvironmentRows.delete(c, name);
            return null;
        });
    }

    @Override
    public ReleaseId nextReleaseId() {
        return write("hand out a release id", ReleaseRows::nextId);
    }

    @Override
    public Optional<Release> release(ReleaseId id) {
        Objects.requireNonNull(id, "id");
        return run("read release " + id, c -> ReleaseRows.find(c, id));
    }

    @Override
    public List<Release> history(EnvironmentName environment, ServiceName service) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        return run("read the history of " + service + " in " + environment,
                c -> ReleaseRows.history(c, environment, service));
    }

    @Override
    public List<Release> activeReleases() {
        return run("list active releases", ReleaseRows::active);
    }

    @Override
    public List<Release> latestReleases() {
        return run("list the latest release of each service", ReleaseRows::latest);
    }

    @Override
    public List<Event> commit(List<Release> releases, List<Event> events) {
        List<Release> releasesToWrite = List.copyOf(releases);
        List<Event> eventsToAppend = List.copyOf(events);
        String what = "commit " + releasesToWrite.size() + " release(s) and " + eventsToAppend.size() + " event(s)";
        return write(what, c -> {
            for (Release release : releasesToWrite) {
                ReleaseRows.upsert(c, release);
            }
            List<Event> stored = new ArrayList<>(eventsToAppend.size());
            for (Event event : eventsToAppend) {
                stored.add(EventRows.append(c, event));
            }
            if (!stored.isEmpty()) {
                EventRows.prune(c, keepEvents);
            }
            return List.copyOf(stored);
        });
    }

    @Override
    public List<Event> eventsAfter(long afterId, int limit) {
        if (limit < 0) {
            throw new ApolloException.Invalid("event limit: " + limit + " (expected: >= 0)");
        }
        return run("read events after " + afterId, c -> EventRows.after(c, afterId, limit));
    }

    @Override
    public List<Event> eventsOf(ReleaseId release) {
        return run("read the events of " + release, c -> EventRows.of(c, release));
    }

    @Override
    public long lastEventId() {
        return run("read the last event id", EventRows::lastId);
    }

    @Override
    public List<Route> routes() {
        return run("list routes", RouteRows::all);
    }

    @Override
    public void putRoute(Route route) {
        Objects.requireNonNull(route, "route");
        write("add route " + route.path() + " in " + route.environment(), c -> {
            EnvironmentRules.requireExists(route.environment(), EnvironmentRows.all(c));
            RouteRows.upsert(c, route);
            return null;
        });
    }

    @Override
    public boolean removeRoute(EnvironmentName environment, RoutePath path) {
        return write("remove route " + path + " in " + environment, c -> RouteRows.delete(c, environment, path));
    }

    @Override
    public List<External> externals() {
        return run("list externals", ExternalRows::all);
    }

    @Override
    public void putExternal(External external) {
        Objects.requireNonNull(external, "external");
        write("add external " + external.name() + " in " + external.environment(), c -> {
            EnvironmentRules.requireExists(external.environment(), EnvironmentRows.all(c));
            ExternalRows.upsert(c, external);
            return null;
        });
    }

    @Override
    public boolean removeExternal(EnvironmentName environment, ServiceName name) {
        return write("remove external " + name + " in " + environment, c -> ExternalRows.delete(c, environment, name));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("Could not close the Apollo database " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SortedMap<VariableName, String> configuration(EnvironmentName environment, ServiceName service) {
        return Collections.unmodifiableSortedMap(run("read the configuration of " + service + " in " + environment,
                c -> ConfigurationRows.of(c, environment, service)));
    }

    @Override
    public void changeConfiguration(EnvironmentName environment, ServiceName service, Map<VariableName, String> set,
            Set<VariableName> unset) {
        write("change the configuration of " + service + " in " + environment, c -> {
            EnvironmentRules.requireExists(environment, EnvironmentRows.all(c));
            ConfigurationRows.change(c, environment, service, set, unset);
            return null;
        });
    }

    @Override
    public List<SecretInfo> secrets(EnvironmentName environment, ServiceName service) {
        return run("list the secrets of " + service + " in " + environment, c -> SecretRows.current(c, environment, service));
    }

    @Override
    public SecretInfo putSecret(EnvironmentName environment, ServiceName service, VariableName name, byte[] sealed,
            Instant at) {
        return write("set secret " + name + " of " + service + " in " + environment, c -> {
            EnvironmentRules.requireExists(environment, EnvironmentRows.all(c));
            return SecretRows.add(c, environment, service, name, sealed, at);
        });
    }

    @Override
    public boolean removeSecret(EnvironmentName environment, ServiceName service, VariableName name) {
        return write("remove secret " + name + " of " + service + " in " + environment,
                c -> SecretRows.remove(c, environment, service, name));
    }

    @Override
    public Optional<byte[]> sealedSecret(EnvironmentName environment, ServiceName service, VariableName name, int version) {
        return run("read secret " + name + " v" + version + " of " + service + " in " + environment,
                c -> SecretRows.sealed(c, environment, service, name, version));
    }

    /** Reads the connection's setting of a PRAGMA; for tests that check how the file is opened. */
    String pragma(String name) {
        return run("read PRAGMA " + name, c -> Jdbc.first(c, "PRAGMA " + name, Jdbc.NO_PARAMETERS, row -> row.getString(1))
                .orElse(""));
    }

    /** One write transaction. */
    private <T> T write(String what, Sql.Work<T> work) {
        return run(what, c -> Sql.inTransaction(c, work));
    }

    /**
     * Runs {@code work} alone on the connection. Reads run without BEGIN: each is a single
     * statement, which SQLite already runs as one transaction.
     */
    private <T> T run(String what, Sql.Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("Could not " + what + ": the store on " + file + " is closed.");
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("Could not " + what + " in the Apollo database " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
