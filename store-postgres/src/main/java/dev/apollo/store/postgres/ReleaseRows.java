package dev.apollo.store.postgres;

import static java.util.stream.Collectors.joining;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code releases} table and the sequence its ids come from. */
final class ReleaseRows {
    // Binding order of write(); keep the two in step. JSON columns are bound as text and cast.
    private static final List<String> COLUMNS = List.of(
            "id", "env", "service", "artifact", "instances",
            "health_readiness", "health_liveness", "health_grace_ms", "health_interval_ms", "health_timeout_ms",
            "health_failure_threshold", "memory_mb", "state", "created_at", "deadline", "updated_at", "reason", "settings");
    private static final List<String> JSON_COLUMNS = List.of("health_readiness", "health_liveness", "settings");

    private static final String SELECT = "SELECT " + COLUMNS.stream()
            .map(c -> JSON_COLUMNS.contains(c) ? c + "::text AS " + c : c).collect(joining(", ")) + " FROM releases";

    private static final String UPSERT = "INSERT INTO releases (" + String.join(", ", COLUMNS) + ") VALUES ("
            + COLUMNS.stream().map(c -> JSON_COLUMNS.contains(c) ? "?::jsonb" : "?").collect(joining(", ")) + ")"
            + " ON CONFLICT (id) DO UPDATE SET "
            + COLUMNS.stream().skip(1).map(c -> c + " = excluded." + c).collect(joining(", "));

    // Derived from the enum so that a new active state needs no change here.
    private static final String[] ACTIVE = Arrays.stream(ReleaseState.values()).filter(ReleaseState::active)
            .map(ReleaseState::name).toArray(String[]::new);

    private ReleaseRows() {}

    static ReleaseId nextId(Connection connection) throws SQLException {
        return new ReleaseId(Db.singleLong(connection,
                "UPDATE release_sequence SET last_id = last_id + 1 RETURNING last_id", Db.NO_PARAMETERS));
    }

    static Optional<Release> find(Connection connection, ReleaseId id) throws SQLException {
        return Db.first(connection, SELECT + " WHERE id = ?", s -> s.setLong(1, id.value()), ReleaseRows::read);
    }

    static List<Release> history(Connection connection, EnvironmentName environment, ServiceName service)
            throws SQLException {
        return List.copyOf(Db.query(connection, SELECT + " WHERE env = ? AND service = ? ORDER BY id DESC", s -> {
            s.setString(1, environment.value());
            s.setString(2, service.value());
        }, ReleaseRows::read));
    }

    static List<Release> active(Connection connection) throws SQLException {
        return List.copyOf(Db.query(connection, SELECT + " WHERE state = ANY (?) ORDER BY id",
                s -> s.setArray(1, connection.createArrayOf("text", ACTIVE)), ReleaseRows::read));
    }

    static List<Release> latest(Connection connection) throws SQLException {
        return List.copyOf(Db.query(connection, SELECT + " WHERE id IN (SELECT max(id) FROM releases GROUP BY env, service)"
                + " ORDER BY id", s -> { }, ReleaseRows::read));
    }

    static List<Release> activeIn(Connection connection, EnvironmentName environment) throws SQLException {
        return active(connection).stream().filter(r -> r.environment().equals(environment)).toList();
    }

    /**
     * Inserts or replaces the release, and moves the sequence past its id, so that a release
     * written with an id the sequence did not hand out cannot collide with a later one.
     */
    static void upsert(Connection connection, Release release) throws SQLException {
        Db.update(connection, UPSERT, s -> write(s, release));
        Db.update(connection, "UPDATE release_sequence SET last_id = greatest(last_id, ?)",
                s -> s.setLong(1, release.id().value()));
    }

    private static void write(PreparedStatement s, Release release) throws SQLException {
        HealthCheck health = release.health();
        s.setLong(1, release.id().value());
        s.setString(2, release.environment().value());
        s.setString(3, release.service().value());
        s.setString(4, release.artifact().coordinates());
        s.setInt(5, release.instances());
        s.setString(6, JsonColumns.probe(health.readiness()));
        s.setString(7, JsonColumns.probe(health.liveness()));
        s.setLong(8, health.grace().toMillis());
        s.setLong(9, health.interval().toMillis());
        s.setLong(10, health.timeout().toMillis());
        s.setInt(11, health.failureThreshold());
        s.setInt(12, release.memoryMb());
        s.setString(13, release.state().name());
        s.setString(14, release.createdAt().toString());
        s.setString(15, release.deadline().toString());
        s.setString(16, release.updatedAt().toString());
        s.setString(17, release.reason());
        s.setString(18, JsonColumns.settings(release.settings()));
    }

    private static Release read(ResultSet row) throws SQLException {
        HealthCheck health = new HealthCheck(
                JsonColumns.probe(row.getString("health_readiness")),
                JsonColumns.probe(row.getString("health_liveness")),
                Duration.ofMillis(row.getLong("health_grace_ms")),
                Duration.ofMillis(row.getLong("health_interval_ms")),
                Duration.ofMillis(row.getLong("health_timeout_ms")),
                row.getInt("health_failure_threshold"));
        return new Release(
                new ReleaseId(row.getLong("id")),
                EnvironmentName.of(row.getString("env")),
                ServiceName.of(row.getString("service")),
                ArtifactRef.parse(row.getString("artifact")),
                row.getInt("instances"),
                health,
                row.getInt("memory_mb"),
                JsonColumns.settings(row.getString("settings")),
                ReleaseState.valueOf(row.getString("state")),
                Instant.parse(row.getString("created_at")),
                Instant.parse(row.getString("deadline")),
                Instant.parse(row.getString("updated_at")),
                row.getString("reason"));
    }
}
