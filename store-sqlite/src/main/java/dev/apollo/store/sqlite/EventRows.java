package dev.apollo.store.sqlite;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/** The {@code events} table: an append-only log, pruned from its old end. */
final class EventRows {
    private static final String INSERT = "INSERT INTO events"
            + " (at, type, env, service, release_id, message, started, healthy, target, instance)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private EventRows() {}

    /** Appends the event under a new id (any id it carries is ignored) and returns it with that id. */
    static Event append(Connection connection, Event event) throws SQLException {
        Sql.update(connection, INSERT, s -> {
            s.setString(1, Sql.text(event.at()));
            s.setString(2, event.type().name());
            s.setString(3, event.environment().value());
            s.setString(4, event.service().map(ServiceName::value).orElse(null));
            if (event.release().isPresent()) {
                s.setLong(5, event.release().get().value());
            } else {
                s.setNull(5, Types.INTEGER);
            }
            s.setString(6, event.message());
            s.setInt(7, event.started());
            s.setInt(8, event.healthy());
            s.setInt(9, event.target());
            s.setString(10, event.instance().map(InstanceId::value).orElse(null));
        });
        return event.withId(Sql.singleLong(connection, "SELECT last_insert_rowid()"));
    }

    static List<Event> after(Connection connection, long afterId, int limit) throws SQLException {
        return Sql.list(connection, "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", s -> {
            s.setLong(1, afterId);
            s.setInt(2, limit);
        }, EventRows::read);
    }

    /** Every event about a release that is still kept, oldest first. */
    static List<Event> of(Connection connection, ReleaseId release) throws SQLException {
        return Sql.list(connection, "SELECT * FROM events WHERE release_id = ? ORDER BY id",
                s -> s.setLong(1, release.value()), EventRows::read);
    }

    static long lastId(Connection connection) throws SQLException {
        return Sql.singleLong(connection, "SELECT coalesce(max(id), 0) FROM events");
    }

    /**
     * Keeps the newest {@code keep} events. Ids have no gaps (a rolled-back insert rolls back its
     * id too), so this is a range delete on the primary key: cheap enough to run on every commit.
     */
    static void prune(Connection connection, long keep) throws SQLException {
        long newest = lastId(connection);
        if (newest > keep) {
            Sql.update(connection, "DELETE FROM events WHERE id <= ?", s -> s.setLong(1, newest - keep));
        }
    }

    private static Event read(ResultSet row) throws SQLException {
        String service = row.getString("service");
        String instance = row.getString("instance");
        long release = row.getLong("release_id");
        boolean aboutRelease = !row.wasNull();
        return new Event(
                row.getLong("id"),
                Sql.instant(row.getString("at")),
                EventType.valueOf(row.getString("type")),
                EnvironmentName.of(row.getString("env")),
                Optional.ofNullable(service).map(ServiceName::of),
                aboutRelease ? Optional.of(new ReleaseId(release)) : Optional.empty(),
                Optional.ofNullable(instance).map(InstanceId::new),
                row.getString("message"),
                row.getInt("started"),
                row.getInt("healthy"),
                row.getInt("target"));
    }
}
