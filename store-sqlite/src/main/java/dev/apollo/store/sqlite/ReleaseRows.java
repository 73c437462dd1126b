package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import static java.util.stream.Collectors.joining;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import dev.apollo.store.jdbc.ReleaseColumns;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The {@code releases} table and the sequence its ids come from. */
final class ReleaseRows {
    private static final String SELECT = "SELECT " + String.join(", ", ReleaseColumns.NAMES) + " FROM releases";

    private static final String UPSERT = "INSERT INTO releases (" + String.join(", ", ReleaseColumns.NAMES) + ")"
            + " VALUES (" + String.join(", ", Collections.nCopies(ReleaseColumns.NAMES.size(), "?")) + ")"
            + " ON CONFLICT (id) DO UPDATE SET "
            + ReleaseColumns.NAMES.stream().skip(1).map(c -> c + " = excluded." + c).collect(joining(", "));

    // Derived from the enum so that a new active state needs no change here.
    private static final List<ReleaseState> ACTIVE = Arrays.stream(ReleaseState.values()).filter(ReleaseState::active).toList();

    private ReleaseRows() {}

    static ReleaseId nextId(Connection connection) throws SQLException {
        Sql.execute(connection, "UPDATE release_sequence SET last_id = last_id + 1");
        return new ReleaseId(Jdbc.singleLong(connection, "SELECT last_id FROM release_sequence", Jdbc.NO_PARAMETERS));
    }

    static Optional<Release> find(Connection connection, ReleaseId id) throws SQLException {
        return Jdbc.first(connection, SELECT + " WHERE id = ?", s -> s.setLong(1, id.value()), ReleaseColumns::read);
    }

    static List<Release> history(Connection connection, EnvironmentName environment, ServiceName service)
            throws SQLException {
        return Jdbc.list(connection, SELECT + " WHERE env = ? AND service = ? ORDER BY id DESC", s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, ReleaseColumns::read);
    }

    static List<Release> active(Connection connection) throws SQLException {
        String placeholders = String.join(", ", Collections.nCopies(ACTIVE.size(), "?"));
        return Jdbc.list(connection, SELECT + " WHERE state IN (" + placeholders + ") ORDER BY id", s -> {
            for (int i = 0; i < ACTIVE.size(); i++) {
                s.setString(i + 1, ACTIVE.get(i).name());
            }
        }, ReleaseColumns::read);
    }

    static List<Release> latest(Connection connection) throws SQLException {
        return Jdbc.list(connection, SELECT + " WHERE id IN (SELECT max(id) FROM releases GROUP BY env, service) ORDER BY id",
                s -> { }, ReleaseColumns::read);
    }

    static List<Release> activeIn(Connection connection, EnvironmentName environment) throws SQLException {
        return active(connection).stream().filter(r -> r.environment().equals(environment)).toList();
    }

    /**
     * Inserts or replaces the release, and moves the sequence past its id, so that a release
     * written with an id the sequence did not hand out cannot collide with a later one.
     */
    static void upsert(Connection connection, Release release) throws SQLException {
        Jdbc.update(connection, UPSERT, s -> ReleaseColumns.bind(s, release));
        Jdbc.update(connection, "UPDATE release_sequence SET last_id = max(last_id, ?)",
                s -> s.setLong(1, release.id().value()));
    }
}
