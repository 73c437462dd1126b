package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.External;
import dev.apollo.core.model.ServiceName;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The {@code externals} table. */
final class ExternalRows {
    private ExternalRows() {}

    static List<External> all(Connection connection) throws SQLException {
        return Jdbc.list(connection, "SELECT env, name, url, created_at FROM externals ORDER BY env, name", Jdbc.NO_PARAMETERS,
                ExternalRows::read);
    }

    static void upsert(Connection connection, External external) throws SQLException {
        Jdbc.update(connection, "INSERT INTO externals (env, name, url, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (env, name) DO UPDATE SET url = excluded.url, created_at = excluded.created_at", s -> {
                    s.setString(1, external.environment().value());
                    s.setString(2, external.name().value());
                    s.setString(3, external.url().toString());
                    s.setString(4, Sql.text(external.createdAt()));
                });
    }

    static boolean delete(Connection connection, EnvironmentName environment, ServiceName name) throws SQLException {
        return Jdbc.update(connection, "DELETE FROM externals WHERE env = ? AND name = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, name.value());
        }) == 1;
    }

    private static External read(ResultSet row) throws SQLException {
        return new External(EnvironmentName.of(row.getString("env")), ServiceName.of(row.getString("name")),
                URI.create(row.getString("url")), Sql.instant(row.getString("created_at")));
    }
}
