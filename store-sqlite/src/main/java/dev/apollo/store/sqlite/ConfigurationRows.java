package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The {@code configuration} table: a service's variables per environment. */
final class ConfigurationRows {
    private ConfigurationRows() {}

    static SortedMap<VariableName, String> of(Connection connection, EnvironmentName environment, ServiceName service)
            throws SQLException {
        SortedMap<VariableName, String> variables = new TreeMap<>();
        Jdbc.list(connection, "SELECT name, value FROM configuration WHERE env = ? AND service = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, row -> Map.entry(VariableName.of(row.getString("name")), row.getString("value")))
                .forEach(variable -> variables.put(variable.getKey(), variable.getValue()));
        return variables;
    }

    static void change(Connection connection, EnvironmentName environment, ServiceName service,
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
}
