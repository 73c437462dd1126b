package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code environments} table. */
final class EnvironmentRows {
    private static final String SELECT = "SELECT name, fallback, created_at FROM environments";

    private EnvironmentRows() {}

    static List<Environment> all(Connection connection) throws SQLException {
        return Jdbc.list(connection, SELECT + " ORDER BY name", Jdbc.NO_PARAMETERS, EnvironmentRows::read);
    }

    static Optional<Environment> find(Connection connection, EnvironmentName name) throws SQLException {
        return Jdbc.first(connection, SELECT + " WHERE name = ?", s -> s.setString(1, name.value()), EnvironmentRows::read);
    }

    /** Inserts unless an environment of that name exists; returns whether it inserted. */
    static boolean insertIfAbsent(Connection connection, Environment environment) throws SQLException {
        return Jdbc.update(connection,
                "INSERT INTO environments (name, fallback, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                s -> {
                    s.setString(1, environment.name().value());
                    s.setString(2, environment.fallback().map(EnvironmentName::value).orElse(null));
                    s.setString(3, Sql.text(environment.createdAt()));
                }) == 1;
    }

    /** The environments that fall back to {@code name}. */
    static List<EnvironmentName> fallingBackTo(Connection connection, EnvironmentName name) throws SQLException {
        return Jdbc.list(connection, "SELECT name FROM environments WHERE fallback = ? ORDER BY name",
                s -> s.setString(1, name.value()), row -> EnvironmentName.of(row.getString(1)));
    }

    static void delete(Connection connection, EnvironmentName name) throws SQLException {
        Jdbc.update(connection, "DELETE FROM environments WHERE name = ?", s -> s.setString(1, name.value()));
    }

    private static Environment read(ResultSet row) throws SQLException {
        String fallback = row.getString("fallback");
        return new Environment(
                EnvironmentName.of(row.getString("name")),
                Optional.ofNullable(fallback).map(EnvironmentName::of),
                Sql.instant(row.getString("created_at")));
    }
}
