package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;

/** The {@code routes} table. */
final class RouteRows {
    private RouteRows() {}

    static List<Route> all(Connection connection) throws SQLException {
        return Jdbc.list(connection, "SELECT env, path, service, created_at FROM routes", Jdbc.NO_PARAMETERS, RouteRows::read)
                .stream()
                .sorted(Comparator.comparing(Route::environment).thenComparing(Route::path))
                .toList();
    }

    static void upsert(Connection connection, Route route) throws SQLException {
        Jdbc.update(connection, "INSERT INTO routes (env, path, service, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (env, path) DO UPDATE SET service = excluded.service, created_at = excluded.created_at", s -> {
                    s.setString(1, route.environment().value());
                    s.setString(2, route.path().value());
                    s.setString(3, route.service().value());
                    s.setString(4, Sql.text(route.createdAt()));
                });
    }

    static boolean delete(Connection connection, EnvironmentName environment, RoutePath path) throws SQLException {
        return Jdbc.update(connection, "DELETE FROM routes WHERE env = ? AND path = ?", s -> {
            s.setString(1, environment.value());
            s.setString(2, path.value());
        }) == 1;
    }

    private static Route read(ResultSet row) throws SQLException {
        return new Route(EnvironmentName.of(row.getString("env")), RoutePath.of(row.getString("path")),
                ServiceName.of(row.getString("service")), Sql.instant(row.getString("created_at")));
    }
}
