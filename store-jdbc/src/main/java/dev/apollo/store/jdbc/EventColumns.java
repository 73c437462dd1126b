package dev.apollo.store.jdbc;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An {@link Event} as a row of the {@code events} table, the same in every store. Its id is the
 * store's to give (SQLite's row id, PostgreSQL's sequence), so it is not among the columns bound.
 */
public final class EventColumns {
    /** In the order {@link #bind} binds them; the id is not among them. */
    public static final List<String> NAMES = List.of("at", "type", "env", "service", "release_id", "message", "started",
            "healthy", "target", "instance");

    private EventColumns() {}

    /** Binds every column of {@link #NAMES}, in its order, from parameter {@code first} on. */
    public static void bind(PreparedStatement s, int first, Event event) throws SQLException {
        s.setString(first, event.at().toString());
        s.setString(first + 1, event.type().name());
        s.setString(first + 2, event.environment().value());
        s.setString(first + 3, event.service().map(ServiceName::value).orElse(null));
        if (event.release().isPresent()) {
            s.setLong(first + 4, event.release().get().value());
        } else {
            s.setNull(first + 4, Types.BIGINT);
        }
        s.setString(first + 5, event.message());
        s.setInt(first + 6, event.started());
        s.setInt(first + 7, event.healthy());
        s.setInt(first + 8, event.target());
        s.setString(first + 9, event.instance().map(InstanceId::value).orElse(null));
    }

    /** The event of a row that has an {@code id} and every column of {@link #NAMES}. */
    public static Event read(ResultSet row) throws SQLException {
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
