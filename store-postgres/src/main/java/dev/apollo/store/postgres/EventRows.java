package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.store.jdbc.EventColumns;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** The {@code events} table: an append-only log, pruned from its old end, numbered by {@code event_sequence}. */
final class EventRows {
    private static final String INSERT = "INSERT INTO events (id, " + String.join(", ", EventColumns.NAMES) + ") VALUES (?, "
            + String.join(", ", Collections.nCopies(EventColumns.NAMES.size(), "?")) + ")";

    private EventRows() {}

    /** Appends the event under the next id (any id it carries is ignored) and returns it with that id. */
    static Event append(Connection connection, Event event) throws SQLException {
        long id = Jdbc.singleLong(connection, "UPDATE event_sequence SET last_id = last_id + 1 RETURNING last_id", Jdbc.NO_PARAMETERS);
        Jdbc.update(connection, INSERT, s -> {
            s.setLong(1, id);
            EventColumns.bind(s, 2, event);
        });
        return event.withId(id);
    }

    static List<Event> after(Connection connection, long afterId, int limit) throws SQLException {
        return Jdbc.list(connection, "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", s -> {
            s.setLong(1, afterId);
            s.setInt(2, limit);
        }, EventColumns::read);
    }

    static List<Event> of(Connection connection, ReleaseId release) throws SQLException {
        return Jdbc.list(connection, "SELECT * FROM events WHERE release_id = ? ORDER BY id",
                s -> s.setLong(1, release.value()), EventColumns::read);
    }

    /** The newest id handed out: events are pruned, the sequence never goes back. */
    static long lastId(Connection connection) throws SQLException {
        return Jdbc.singleLong(connection, "SELECT last_id FROM event_sequence", Jdbc.NO_PARAMETERS);
    }

    /** Keeps the newest {@code keep} events; ids have no gaps, so this is a range delete on the key. */
    static void prune(Connection connection, long keep) throws SQLException {
        long newest = lastId(connection);
        if (newest > keep) {
            Jdbc.update(connection, "DELETE FROM events WHERE id <= ?", s -> s.setLong(1, newest - keep));
        }
    }
}
