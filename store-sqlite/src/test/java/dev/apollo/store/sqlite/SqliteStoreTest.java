package dev.apollo.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.config.RunSettings;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Probe;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import dev.apollo.store.jdbc.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite store has: its file, schema versions, pruning and errors. The port's rules are in {@link SqliteStoreContractTest}. */
class SqliteStoreTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path file;
    private SqliteStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("data/apollo.db");
        store = SqliteStore.open(file, CLOCK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void opensDurablyAndCreatesTheFileWithItsDirectory() {
        assertThat(file).isRegularFile();
        assertThat(store.pragma("journal_mode")).isEqualTo("wal");
        assertThat(store.pragma("synchronous")).isEqualTo("2"); // FULL
        assertThat(store.pragma("foreign_keys")).isEqualTo("1");
        assertThat(store.pragma("busy_timeout")).isEqualTo("5000");
        assertThat(store.pragma("user_version")).isEqualTo(String.valueOf(Migrations.latestVersion()));
    }

    @Test
    void onlyTheNewestEventsAreKeptAndTheirIdsAreNeverReused() {
        store.close();
        store = SqliteStore.open(file, CLOCK, 3);
        Event event = Event.about(T0, EventType.SCALED, EnvironmentName.PRODUCTION, Optional.empty(), "");

        store.commit(List.of(), List.of(event, event));
        store.commit(List.of(), List.of(event, event, event));

        assertThat(store.eventsAfter(0, 100)).extracting(Event::id).containsExactly(3L, 4L, 5L);
        store.close();
        store = SqliteStore.open(file, CLOCK, 3);
        assertThat(store.commit(List.of(), List.of(event))).extracting(Event::id).containsExactly(6L);
        assertThat(store.eventsAfter(0, 100)).extracting(Event::id).containsExactly(4L, 5L, 6L);
    }

    @Test
    void aFailedWriteSaysWhatItWasDoing() {
        // No such environment: the foreign key refuses the release.
        Release homeless = new Release(new ReleaseId(1), EnvironmentName.of("nowhere"), ServiceName.of("web-service"),
                ArtifactRef.parse("web-service:1.0.0"), 1, HealthCheck.DEFAULT, 256, RunSettings.NONE, ReleaseState.LIVE,
                T0, T0.plusSeconds(60), T0, "");

        assertThatThrownBy(() -> store.commit(List.of(homeless), List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("commit 1 release(s) and 0 event(s)")
                .hasMessageContaining(file.toString());
    }

    @Test
    void refusesADatabaseWrittenByANewerSchema() throws Exception {
        store.close();
        int newer = Migrations.latestVersion() + 1;
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = raw.createStatement()) {
            statement.executeUpdate("PRAGMA user_version = " + newer);
        }

        assertThatThrownBy(() -> SqliteStore.open(file, CLOCK))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version " + newer)
                .hasMessageContaining("newer Apollo");
        store = SqliteStore.open(dir.resolve("other.db"), CLOCK); // for @AfterEach
    }

    @Test
    void aReleaseFromBeforeProbesKeepsItsOneHealthCheckForReadinessAndLiveness() throws Exception {
        store.close();
        Path old = dir.resolve("v4.db");
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + old);
                Statement statement = raw.createStatement()) {
            for (String script : List.of("V1__init.sql", "V2__routes.sql", "V3__externals.sql", "V4__configuration.sql")) {
                try (var in = Migrations.class.getResourceAsStream("migrations/" + script)) {
                    statement.executeUpdate(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            statement.executeUpdate("PRAGMA user_version = 4");
            statement.executeUpdate("INSERT INTO environments (name, created_at) VALUES ('production', '" + T0 + "')");
            statement.executeUpdate("INSERT INTO releases (id, env, service, artifact, instances, health_path, health_grace_ms,"
                    + " health_interval_ms, health_timeout_ms, health_failure_threshold, memory_mb, state, created_at, deadline,"
                    + " updated_at, reason) VALUES (7, 'production', 'web-service', 'web-service:1.0.0', 2, '/actuator/health',"
                    + " 5000, 1000, 500, 4, 256, 'LIVE', '" + T0 + "', '" + T0 + "', '" + T0 + "', '')");
        }

        store = SqliteStore.open(old, CLOCK);

        Probe path = new Probe.Http("/actuator/health");
        assertThat(store.release(new ReleaseId(7))).get().extracting(Release::health).isEqualTo(new HealthCheck(path, path,
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(500), 4));
    }

    @Test
    void refusesAFileThatIsNotADatabase() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.db"), "this is not SQLite, ".repeat(100));

        assertThatThrownBy(() -> SqliteStore.open(garbage, CLOCK))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(garbage.toString());
    }

    @Test
    void aClosedStoreSaysSo() {
        store.close();
        store.close();

        assertThatThrownBy(() -> store.environments())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is closed");
    }
}
