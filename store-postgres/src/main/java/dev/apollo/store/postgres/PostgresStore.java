package dev.apollo.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import javax.sql.DataSource;

/**
 * The {@link Store} on a PostgreSQL database, which several control planes may share (one of them
 * leads: {@link PostgresLeadership}). A small pool of connections serves the calls; every write is
 * one transaction behind one advisory lock, so writes run one at a time as on SQLite, and event ids
 * become visible in order. Calls wait out a database that does not answer for up to
 * {@link Options#retryFor()} before they fail.
 */
public final class PostgresStore implements Store {
    static final int KEEP_EVENTS = 100_000;

    private final PostgresLocation location;
    private final HikariDataSource pool;
    private final Db db;
    private final long keepEvents;

    /**
     * How the store connects.
     *
     * @param retryFor how long a call waits for a database that does not answer before it fails
     * @param poolSize the most connections this control plane holds
     */
    public record Options(Duration retryFor, int poolSize) {
        public Options {
            Objects.requireNonNull(retryFor, "retryFor");
            if (poolSize < 2) {
                throw new ApolloException.Invalid("pool size: " + poolSize + " (expected: >= 2)");
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), 6);
        }

        public Options withRetryFor(Duration retryFor) {
            return new Options(retryFor, poolSize);
        }
    }

    private PostgresStore(PostgresLocation location, HikariDataSource pool, Options options, long keepEvents) {
        this.location = location;
        this.pool = pool;
        this.db = new Db(pool, location.url(), options.retryFor());
        this.keepEvents = keepEvents;
    }

    /** Connects, brings the schema up to date and creates the {@code production} environment as needed. */
    public static PostgresStore open(PostgresLocation location, String password, Clock clock, Options options) {
        return open(location, password, clock, options, KEEP_EVENTS);
    }

    static PostgresStore open(PostgresLocation location, String password, Clock clock, Options options, long keepEvents) {
        Objects.requireNonNull(clock, "clock");
        HikariConfig config = poolConfig(location, password, options);
        firstConnection(location, config, options);
        HikariDataSource pool = new HikariDataSource(config);
        PostgresStore store = new PostgresStore(location, pool, options, keepEvents);
        try {
            store.db.read("prepare the schema", c -> {
                Migrations.apply(c, location.url());
                return null;
            });
            Environment production = new Environment(EnvironmentName.PRODUCTION, Optional.empty(), clock.instant());
            store.db.read("create environment production", c -> {
                TopologyRows.insertIfAbsent(c, production);
                return null;
            });
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * One connection straight through the driver before the pool exists: a wrong password or a missing database is
     * the server's answer, said at once with its reason, whereas the pool reports only that its connection timeout
     * ran out when the machine is too busy to finish a login within it. An unreachable server is retried as ever.
     */
    private static void firstConnection(PostgresLocation location, HikariConfig config, Options options) {
        DataSource direct = new DriverDataSource(config.getJdbcUrl(), config.getDriverClassName(), config.getDataSourceProperties(),
                config.getUsername(), config.getPassword());
        new Db(direct, location.url(), options.retryFor()).read("connect", connection -> null);
    }

    private static HikariConfig poolConfig(PostgresLocation location, String password, Options options) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(location.jdbcUrl());
        // Named, not found through DriverManager: works in a shaded jar whatever its service files.
        config.setDriverClassName("org.postgresql.Driver");
        config.setUsername(location.user());
        config.setPassword(password);
        location.parameters().forEach(config::addDataSourceProperty);
        config.addDataSourceProperty("ApplicationName", "apollo");
        // A partitioned database must not hang a call forever: the socket gives up, the retry loop takes over.
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.setMaximumPoolSize(options.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, Math.min(5_000, options.retryFor().toMillis())));
        // Do not fail the pool's construction: the first call connects, through the retry loop, and says what is wrong.
        config.setInitializationFailTimeout(-1);
        config.setPoolName("apollo-store");
        return config;
    }

    public PostgresLocation location() {
        return location;
    }

    Db db() {
        return db;
    }

    /** The schema version the database is at. */
    int schemaVersion() {
        return db.read("read the schema version", Migrations::version);
    }

    @Override
    public List<Environment> environments() {
        return db.read("list environments", TopologyRows::environments);
    }

    @Override
    public Optional<Environment> environment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        return db.read("read environment " + name, c -> TopologyRows.environment(c, name));
    }

    @Override
    public void createEnvironment(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        db.write("create environment " + environment.name(), c -> {
            EnvironmentRules.requireCreatable(environment, TopologyRows.environments(c));
            TopologyRows.insertIfAbsent(c, environment);
            return null;
        });
    }

    @Override
    public void deleteEnvironment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        db.write("delete environment " + name, c -> {
            EnvironmentRules.requireDeletable(name, TopologyRows.environments(c));
            EnvironmentRules.requireNoActiveRelease(name, ReleaseRows.activeIn(c, name));
            TopologyRows.deleteEnvironment(c, name);
            return null;
        });
    }

    @Override
    public ReleaseId nextReleaseId() {
        return db.write("hand out a release id", ReleaseRows::nextId);
    }

    @Override
    public Optional<Release> release(ReleaseId id) {
        Objects.requireNonNull(id, "id");
        return db.read("read release " + id, c -> ReleaseRows.find(c, id));
    }

    @Override
    public List<Release> history(EnvironmentName environment, ServiceName service) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        return db.read("read the history of " + service + " in " + environment, c -> ReleaseRows.history(c, environment, service));
    }

    @Override
    public List<Release> activeReleases() {
        return db.read("list active releases", ReleaseRows::active);
    }

    @Override
    public List<Release> latestReleases() {
        return db.read("list the latest release of each service", ReleaseRows::latest);
    }

    @Override
    public List<Event> commit(List<Release> releases, List<Event> events) {
        List<Release> releasesToWrite = List.copyOf(releases);
        List<Event> eventsToAppend = List.copyOf(events);
        String what = "commit " + releasesToWrite.size() + " release(s) and " + eventsToAppend.size() + " event(s)";
        return db.write(what, c -> {
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
        return db.read("read events after " + afterId, c -> EventRows.after(c, afterId, limit));
    }

    @Override
    public List<Event> eventsOf(ReleaseId release) {
        return db.read("read the events of " + release, c -> EventRows.of(c, release));
    }

    @Override
    public long lastEventId() {
        return db.read("read the last event id", EventRows::lastId);
    }

    @Override
    public List<Route> routes() {
        return db.read("list routes", TopologyRows::routes);
    }

    @Override
    public void putRoute(Route route) {
        Objects.requireNonNull(route, "route");
        db.write("add route " + route.path() + " in " + route.environment(), c -> {
            EnvironmentRules.requireExists(route.environment(), TopologyRows.environments(c));
            TopologyRows.upsertRoute(c, route);
            return null;
        });
    }

    @Override
    public boolean removeRoute(EnvironmentName environment, RoutePath path) {
        return db.write("remove route " + path + " in " + environment, c -> TopologyRows.deleteRoute(c, environment, path));
    }

    @Override
    public List<External> externals() {
        return db.read("list externals", TopologyRows::externals);
    }

    @Override
    public void putExternal(External external) {
        Objects.requireNonNull(external, "external");
        db.write("add external " + external.name() + " in " + external.environment(), c -> {
            EnvironmentRules.requireExists(external.environment(), TopologyRows.environments(c));
            TopologyRows.upsertExternal(c, external);
            return null;
        });
    }

    @Override
    public boolean removeExternal(EnvironmentName environment, ServiceName name) {
        return db.write("remove external " + name + " in " + environment, c -> TopologyRows.deleteExternal(c, environment, name));
    }

    @Override
    public SortedMap<VariableName, String> configuration(EnvironmentName environment, ServiceName service) {
        return Collections.unmodifiableSortedMap(db.read("read the configuration of " + service + " in " + environment,
                c -> SettingRows.configuration(c, environment, service)));
    }

    @Override
    public void changeConfiguration(EnvironmentName environment, ServiceName service, Map<VariableName, String> set,
            Set<VariableName> unset) {
        db.write("change the configuration of " + service + " in " + environment, c -> {
            EnvironmentRules.requireExists(environment, TopologyRows.environments(c));
            SettingRows.changeConfiguration(c, environment, service, set, unset);
            return null;
        });
    }

    @Override
    public List<SecretInfo> secrets(EnvironmentName environment, ServiceName service) {
        return db.read("list the secrets of " + service + " in " + environment, c -> SettingRows.currentSecrets(c, environment, service));
    }

    @Override
    public SecretInfo putSecret(EnvironmentName environment, ServiceName service, VariableName name, byte[] sealed, Instant at) {
        return db.write("set secret " + name + " of " + service + " in " + environment, c -> {
            EnvironmentRules.requireExists(environment, TopologyRows.environments(c));
            return SettingRows.addSecret(c, environment, service, name, sealed, at);
        });
    }

    @Override
    public boolean removeSecret(EnvironmentName environment, ServiceName service, VariableName name) {
        return db.write("remove secret " + name + " of " + service + " in " + environment,
                c -> SettingRows.removeSecret(c, environment, service, name));
    }

    @Override
    public Optional<byte[]> sealedSecret(EnvironmentName environment, ServiceName service, VariableName name, int version) {
        return db.read("read secret " + name + " v" + version + " of " + service + " in " + environment,
                c -> SettingRows.sealedSecret(c, environment, service, name, version));
    }

    @Override
    public void close() {
        pool.close();
    }
}
