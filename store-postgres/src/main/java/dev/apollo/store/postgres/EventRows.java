package dev.apollo.store.postgres;

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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code events} table: an append-only log, pruned from its old end, numbered by {@code event_sequence}. */
final class EventRows {
    private static final String INSERT = "INSERT INTO events"
            + " (id, at, type, env, service, release_id, message, started, healthy, target, instance)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private EventRows() {}

    /** Appends the event under the next id (any id it carries is ignored) and returns it with that id. */
    static Event append(Connection connection, Event event) throws SQLException {
        long id = Db.singleLong(connection, "UPDATE event_sequence SET last_id = last_id + 1 RETURNING last_id", Db.NO_PARAMETERS);
        Db.update(connection, INSERT, s -> {
            s.setLong(1, id);
            s.setString(2, event.at().toString());
            s.setString(3, event.type().name());
            s.setString(4, event.environment().value());
            s.setString(5, event.service().map(ServiceName::value).orElse(null));
            if (event.release().isPresent()) {
                s.setLong(6, event.release().get().value());
            } else {
                s.setNull(6, Types.BIGINT);
            }
            s.setString(7, event.message());
            s.setInt(8, event.started());
            s.setInt(9, event.healthy());
            s.setInt(10, event.target());
            s.setString(11, event.instance().map(InstanceId::value).orElse(null));
        });
        return event.withId(id);
    }

    static List<Event> after(Connection connection, long afterId, int limit) throws SQLException {
        return List.copyOf(Db.query(connection, "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", s -> {
            s.setLong(1, afterId);
            s.setInt(2, limit);
        }, EventRows::read));
    }

    static List<Event> of(Connection connection, ReleaseId release) throws SQLException {
        return List.copyOf(Db.query(connection, "SELECT * FROM events WHERE release_id = ? ORDER BY id",
                s -> s.setLong(1, release.value()), EventRows::read));
    }

    /** The newest id handed out: events are pruned, the sequence never goes back. */
    static long lastId(Connection connection) throws SQLException {
        return Db.singleLong(connection, "SELECT last_id FROM event_sequence", Db.NO_PARAMETERS);
    }

    /** Keeps the newest {@code keep} events; ids have no gaps, so this is a range delete on the key. */
    static void prune(Connection connection, long keep) throws SQLException {
        long newest = lastId(connection);
        if (newest > keep) {
            Db.update(connection, "DELETE FROM events WHERE id <= ?", s -> s.setLong(1, newest - keep));
        }
    }

    private static Event read(ResultSet row) throws SQLException {
        String service = row.getString("service");
        String instance = row.getString("instance");
        long release = row.getLong("release_id");
        boolean aboutRelease = !row.wasNull();
        return new Event(
                row.getLong("id"),
                Instant.parse(row.getString("at")),
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
