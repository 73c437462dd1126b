package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code configuration} and {@code secrets} tables: what a service is given per environment.
 * Every version of a secret is kept, sealed; the newest version of a name is current unless removed.
 */
final class SettingRows {
    private static final String CURRENT_SECRETS = "SELECT s.name, s.version, s.set_at FROM secrets s"
            + " WHERE s.env = ? AND s.service = ? AND NOT s.removed"
            + " AND s.version = (SELECT max(version) FROM secrets v WHERE v.env = s.env AND v.service = s.service"
            + " AND v.name = s.name) ORDER BY s.name";

    private SettingRows() {}

    static SortedMap<VariableName, String> configuration(Connection connection, EnvironmentName environment,
            ServiceName service) throws SQLException {
        SortedMap<VariableName, String> variables = new TreeMap<>();
        Jdbc.list(connection, "SELECT name, value FROM configuration WHERE env = ? AND service = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, row -> Map.entry(VariableName.of(row.getString("name")), row.getString("value")))
                .forEach(variable -> variables.put(variable.getKey(), variable.getValue()));
        return variables;
    }

    static void changeConfiguration(Connection connection, EnvironmentName environment, ServiceName service,
            Map<VariableName, String> set, Set<VariableName> unset) throws SQLException {
        for (VariableName name : unset) {
            Jdbc.update(connection, "DELETE FROM configuration WHERE env = ? AND service = ? AND name = ?", s -> {
                s.setString(1, environment.value());
                s.setString(2, service.value());
                s.setString(3, name.value());
            });
        }
        for (Map.Entry<VariableName, String> variable : set.entrySet()) {
            Jdbc.update(connection, "INSERT INTO configuration (env, service, name, value) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (env, service, name) DO UPDATE SET value = excluded.value", s -> {
                        s.setString(1, environment.value());
                        s.setString(2, service.value());
                        s.setString(3, variable.getKey().value());
                        s.setString(4, variable.getValue());
                    });
        }
    }

    static List<SecretInfo> currentSecrets(Connection connection, EnvironmentName environment, ServiceName service)
            throws SQLException {
        return Jdbc.list(connection, CURRENT_SECRETS, s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, row -> new SecretInfo(VariableName.of(row.getString("name")), row.getInt("version"),
                Instant.parse(row.getString("set_at"))));
    }

    static SecretInfo addSecret(Connection connection, EnvironmentName environment, ServiceName service, VariableName name,
            byte[] sealed, Instant at) throws SQLException {
        int version = (int) Jdbc.singleLong(connection, "SELECT coalesce(max(version), 0) + 1 FROM secrets"
                + " WHERE env = ? AND service = ? AND name = ?", s -> {
                    s.setString(1, environment.value());
                    s.setString(2, service.value());
                    s.setString(3, name.value());
                });
        Jdbc.update(connection, "INSERT INTO secrets (env, service, name, version, sealed, set_at) VALUES (?, ?, ?, ?, ?, ?)",
                s -> {
                    s.setString(1, environment.value());
                    s.setString(2, service.value());
                    s.setString(3, name.value());
                    s.setInt(4, version);
                    s.setBytes(5, sealed);
                    s.setString(6, at.toString());
                });
        return new SecretInfo(name, version, at);
    }

    /** Marks the current version removed; false when the name has no current version. */
    static boolean removeSecret(Connection connection, EnvironmentName environment, ServiceName service, VariableName name)
            throws SQLException {
        return Jdbc.update(connection, "UPDATE secrets SET removed = true WHERE env = ? AND service = ? AND name = ?"
                + " AND NOT removed AND version = (SELECT max(version) FROM secrets WHERE env = ? AND service = ? AND name = ?)",
                s -> {
                    for (int offset : new int[] {0, 3}) {
                        s.setString(offset + 1, environment.value());
                        s.setString(offset + 2, service.value());
                        s.setString(offset + 3, name.value());
                    }
                }) == 1;
    }

    static Optional<byte[]> sealedSecret(Connection connection, EnvironmentName environment, ServiceName service,
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
