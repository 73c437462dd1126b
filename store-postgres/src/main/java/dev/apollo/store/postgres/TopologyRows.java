package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The {@code environments}, {@code routes} and {@code externals} tables: the shape of the platform's worlds. */
final class TopologyRows {
    private static final String ENVIRONMENTS = "SELECT name, fallback, created_at FROM environments";

    private TopologyRows() {}

    static List<Environment> environments(Connection connection) throws SQLException {
        return Jdbc.list(connection, ENVIRONMENTS + " ORDER BY name", Jdbc.NO_PARAMETERS, TopologyRows::environment);
    }

    static Optional<Environment> environment(Connection connection, EnvironmentName name) throws SQLException {
        return Jdbc.first(connection, ENVIRONMENTS + " WHERE name = ?", s -> s.setString(1, name.value()),
                TopologyRows::environment);
    }

    /** Inserts unless an environment of that name exists. */
    static void insertIfAbsent(Connection connection, Environment environment) throws SQLException {
        Jdbc.update(connection, "INSERT INTO environments (name, fallback, created_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING", s -> {
                    s.setString(1, environment.name().value());
                    s.setString(2, environment.fallback().map(EnvironmentName::value).orElse(null));
                    s.setString(3, environment.createdAt().toString());
                });
    }

    static void deleteEnvironment(Connection connection, EnvironmentName name) throws SQLException {
        Jdbc.update(connection, "DELETE FROM environments WHERE name = ?", s -> s.setString(1, name.value()));
    }

    /** Every route, by environment then longest path first (the order {@link Route} sorts in). */
    static List<Route> routes(Connection connection) throws SQLException {
        return Jdbc.list(connection, "SELECT env, path, service, created_at FROM routes", Jdbc.NO_PARAMETERS,
                row -> new Route(EnvironmentName.of(row.getString("env")), RoutePath.of(row.getString("path")),
                        ServiceName.of(row.getString("service")), Instant.parse(row.getString("created_at"))))
                .stream()
                .sorted(Comparator.comparing(Route::environment).thenComparing(Route::path))
                .toList();
    }

    static void upsertRoute(Connection connection, Route route) throws SQLException {
        Jdbc.update(connection, "INSERT INTO routes (env, path, service, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (env, path) DO UPDATE SET service = excluded.service, created_at = excluded.created_at", s -> {
                    s.setString(1, route.environment().value());
                    s.setString(2, route.path().value());
                    s.setString(3, route.service().value());
                    s.setString(4, route.createdAt().toString());
                });
    }

    static boolean deleteRoute(Connection connection, EnvironmentName environment, RoutePath path) throws SQLException {
        return Jdbc.update(connection, "DELETE FROM routes WHERE env = ? AND path = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, path.value());
        }) == 1;
    }

    static List<External> externals(Connection connection) throws SQLException {
        return Jdbc.list(connection, "SELECT env, name, url, created_at FROM externals ORDER BY env, name",
                Jdbc.NO_PARAMETERS, row -> new External(EnvironmentName.of(row.getString("env")),
                        ServiceName.of(row.getString("name")), URI.create(row.getString("url")),
                        Instant.parse(row.getString("created_at"))));
    }

    static void upsertExternal(Connection connection, External external) throws SQLException {
        Jdbc.update(connection, "INSERT INTO externals (env, name, url, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (env, name) DO UPDATE SET url = excluded.url, created_at = excluded.created_at", s -> {
                    s.setString(1, external.environment().value());
                    s.setString(2, external.name().value());
                    s.setString(3, external.url().toString());
                    s.setString(4, external.createdAt().toString());
                });
    }

    static boolean deleteExternal(Connection connection, EnvironmentName environment, ServiceName name) throws SQLException {
        return Jdbc.update(connection, "DELETE FROM externals WHERE env = ? AND name = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, name.value());
        }) == 1;
    }

    private static Environment environment(ResultSet row) throws SQLException {
        String fallback = row.getString("fallback");
        return new Environment(EnvironmentName.of(row.getString("name")), Optional.ofNullable(fallback).map(EnvironmentName::of),
                Instant.parse(row.getString("created_at")));
    }
}
