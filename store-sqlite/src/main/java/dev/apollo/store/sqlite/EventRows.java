package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.store.jdbc.EventColumns;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** The {@code events} table: an append-only log, pruned from its old end. */
final class EventRows {
    private static final String INSERT = "INSERT INTO events (" + String.join(", ", EventColumns.NAMES) + ") VALUES ("
            + String.join(", ", Collections.nCopies(EventColumns.NAMES.size(), "?")) + ")";

    private EventRows() {}

    /** Appends the event under a new id (any id it carries is ignored) and returns it with that id. */
    static Event append(Connection connection, Event event) throws SQLException {
        Jdbc.update(connection, INSERT, s -> EventColumns.bind(s, 1, event));
        return event.withId(Jdbc.singleLong(connection, "SELECT last_insert_rowid()", Jdbc.NO_PARAMETERS));
    }

    static List<Event> after(Connection connection, long afterId, int limit) throws SQLException {
        return Jdbc.list(connection, "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", s -> {
            s.setLong(1, afterId);
            s.setInt(2, limit);
        }, EventColumns::read);
    }

    /** Every event about a release that is still kept, oldest first. */
    static List<Event> of(Connection connection, ReleaseId release) throws SQLException {
        return Jdbc.list(connection, "SELECT * FROM events WHERE release_id = ? ORDER BY id",
                s -> s.setLong(1, release.value()), EventColumns::read);
    }

    static long lastId(Connection connection) throws SQLException {
        return Jdbc.singleLong(connection, "SELECT coalesce(max(id), 0) FROM events", Jdbc.NO_PARAMETERS);
    }

    /**
     * Keeps the newest {@code keep} events. Ids have no gaps (a rolled-back insert rolls back its
     * id too), so this is a range delete on the primary key: cheap enough to run on every commit.
     */
    static void prune(Connection connection, long keep) throws SQLException {
        long newest = lastId(connection);
        if (newest > keep) {
            Jdbc.update(connection, "DELETE FROM events WHERE id <= ?", s -> s.setLong(1, newest - keep));
        }
    }
}
