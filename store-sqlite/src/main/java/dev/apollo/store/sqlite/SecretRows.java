package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code secrets} table: every version of every secret, sealed; the newest version of a name
 * is current unless it is marked removed.
 */
final class SecretRows {
    private static final String CURRENT = "SELECT s.name, s.version, s.set_at FROM secrets s"
            + " WHERE s.env = ? AND s.service = ? AND s.removed = 0"
            + " AND s.version = (SELECT max(version) FROM secrets v WHERE v.env = s.env AND v.service = s.service"
            + " AND v.name = s.name) ORDER BY s.name";

    private SecretRows() {}

    static List<SecretInfo> current(Connection connection, EnvironmentName environment, ServiceName service)
            throws SQLException {
        return Jdbc.list(connection, CURRENT, s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, row -> new SecretInfo(VariableName.of(row.getString("name")), row.getInt("version"),
                Sql.instant(row.getString("set_at"))));
    }

    static SecretInfo add(Connection connection, EnvironmentName environment, ServiceName service, VariableName name,
            byte[] sealed, Instant at) throws SQLException {
        int version = Jdbc.first(connection, "SELECT coalesce(max(version), 0) + 1 FROM secrets"
                + " WHERE env = ? AND service = ? AND name = ?", s -> {
                    s.setString(1, environment.value());
                    s.setString(2, service.value());
                    s.setString(3, name.value());
                }, row -> row.getInt(1)).orElse(1);
        Jdbc.update(connection, "INSERT INTO secrets (env, service, name, version, sealed, set_at) VALUES (?, ?, ?, ?, ?, ?)",
                s -> {
                    s.setString(1, environment.value());
                    s.setString(2, service.value());
                    s.setString(3, name.value());
                    s.setInt(4, version);
                    s.setBytes(5, sealed);
                    s.setString(6, Sql.text(at));
                });
        return new SecretInfo(name, version, at);
    }

    /** Marks the current version removed; false when the name has no current version. */
    static boolean remove(Connection connection, EnvironmentName environment, ServiceName service, VariableName name)
            throws SQLException {
        return Jdbc.update(connection, "UPDATE secrets SET removed = 1 WHERE env = ? AND service = ? AND name = ?"
                + " AND removed = 0 AND version = (SELECT max(version) FROM secrets WHERE env = ? AND service = ? AND name = ?)",
                s -> {
                    for (int offset : new int[] {0, 3}) {
                        s.setString(offset + 1, environment.value());
                        s.setString(offset + 2, service.value());
                        s.setString(offset + 3, name.value());
                    }
                }) == 1;
    }

    static Optional<byte[]> sealed(Connection connection, EnvironmentName environment, ServiceName service,
            VariableName name, int version) throws SQLException {
        return Jdbc.first(connection, "SELECT sealed FROM secrets WHERE env = ? AND service = ? AND name = ? AND version = ?",
                s -> {
                    s.setString(1, environment.value());
                    s.setString(2, service.value());
                    s.setString(3, name.value());
                    s.setInt(4, version);
                }, row -> row.getBytes("sealed"));
    }
}
