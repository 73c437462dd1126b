package dev.apollo.store.jdbc;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A {@link Release} as a row of the {@code releases} table, the same in every store: its columns,
 * how a release is bound to them and read back. Each store writes its own SQL around them.
 */
public final class ReleaseColumns {
    /** In the order {@link #bind} binds them. */
    public static final List<String> NAMES = List.of(
            "id", "env", "service", "artifact", "instances",
            "health_readiness", "health_liveness", "health_grace_ms", "health_interval_ms", "health_timeout_ms",
            "health_failure_threshold", "memory_mb", "state", "created_at", "deadline", "updated_at", "reason", "settings");
    /** The columns that hold JSON text (a store with a JSON type casts them). */
    public static final List<String> JSON = List.of("health_readiness", "health_liveness", "settings");

    private ReleaseColumns() {}

    /** Binds every column of {@link #NAMES}, in its order, as parameters 1 to {@code NAMES.size()}. */
    public static void bind(PreparedStatement s, Release release) throws SQLException {
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

    /** The release of a row that has every column of {@link #NAMES}, JSON ones as text. */
    public static Release read(ResultSet row) throws SQLException {
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
