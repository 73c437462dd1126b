package dev.apollo.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteStoreTest {
    // Nanoseconds on purpose: times must come back exactly as they went in.
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456789Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final EnvironmentName PRODUCTION = EnvironmentName.PRODUCTION;
    private static final EnvironmentName STAGE = EnvironmentName.of("stage1");

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

    private void reopen() {
        store.close();
        store = SqliteStore.open(file, Clock.offset(CLOCK, Duration.ofHours(1)));
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
    void productionExistsFromTheFirstOpenAndOnlyOnce() {
        Environment production = new Environment(PRODUCTION, Optional.empty(), T0);
        assertThat(store.environments()).containsExactly(production);

        reopen();

        assertThat(store.environments()).containsExactly(production);
        assertThat(store.environment(PRODUCTION)).contains(production);
    }

    @ParameterizedTest
    @ValueSource(strings = {"web-service:1.6.0", "com.example:web-service:2.0.0-rc.1"})
    void releaseRoundTripsEveryField(String coordinates) {
        HealthCheck health = new HealthCheck("/ready", Duration.ofMillis(1_500), Duration.ofMillis(250),
                Duration.ofSeconds(3), 7);
        Release release = new Release(new ReleaseId(42), PRODUCTION, ServiceName.of("web-service"),
                ArtifactRef.parse(coordinates), 3, health, 512, ReleaseState.FAILED,
                T0, T0.plusSeconds(90), T0.plusMillis(1), "instance web-service-1 never became healthy");

        store.commit(List.of(release), List.of());

        assertThat(store.release(release.id())).contains(release);
        reopen();
        assertThat(store.release(release.id())).contains(release);
    }

    @Test
    void unknownReleaseIsEmpty() {
        assertThat(store.release(new ReleaseId(7))).isEmpty();
    }

    @Test
    void commitReplacesAReleaseWithTheSameId() {
        Release deploying = release(1, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        store.commit(List.of(deploying), List.of());

        Release live = deploying.withState(ReleaseState.LIVE, T0.plusSeconds(5), "healthy").withInstances(5, T0.plusSeconds(6));
        store.commit(List.of(live), List.of());

        assertThat(store.release(deploying.id())).contains(live);
        assertThat(store.history(PRODUCTION, ServiceName.of("web-service"))).containsExactly(live);
    }

    @Test
    void historyIsOneServiceInOneEnvironmentNewestFirst() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        Release first = release(1, PRODUCTION, "web-service", ReleaseState.REPLACED);
        Release otherService = release(2, PRODUCTION, "rpc-service", ReleaseState.LIVE);
        Release second = release(3, PRODUCTION, "web-service", ReleaseState.FAILED);
        Release otherEnvironment = release(4, STAGE, "web-service", ReleaseState.LIVE);
        Release third = release(5, PRODUCTION, "web-service", ReleaseState.LIVE);
        store.commit(List.of(third, first, otherService, second, otherEnvironment), List.of());

        assertThat(store.history(PRODUCTION, ServiceName.of("web-service"))).containsExactly(third, second, first);
        assertThat(store.history(STAGE, ServiceName.of("web-service"))).containsExactly(otherEnvironment);
        assertThat(store.history(PRODUCTION, ServiceName.of("nothing"))).isEmpty();
    }

    @Test
    void activeReleasesAreDeployingLivePreviousOrTestbedOldestFirst() {
        List<Release> all = new ArrayList<>();
        long id = 1;
        for (ReleaseState state : ReleaseState.values()) {
            all.add(release(id++, PRODUCTION, "web-service", state));
        }
        Release laterLive = release(id, PRODUCTION, "rpc-service", ReleaseState.LIVE);
        all.add(laterLive);
        store.commit(all.reversed(), List.of());

        assertThat(store.activeReleases()).containsExactly(
                all.get(ReleaseState.DEPLOYING.ordinal()), all.get(ReleaseState.LIVE.ordinal()),
                all.get(ReleaseState.PREVIOUS.ordinal()), all.get(ReleaseState.TESTBED.ordinal()), laterLive);
    }

    @Test
    void releaseIdsAreNeverHandedOutTwice() {
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(1));
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(2));

        reopen();
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(3));

        // A release stored under an id the sequence did not hand out moves the sequence past it.
        store.commit(List.of(release(10, PRODUCTION, "web-service", ReleaseState.LIVE)), List.of());
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(11));
    }

    @Test
    void releaseIdsAreUniqueUnderConcurrentCallers() throws Exception {
        List<Callable<ReleaseId>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(store::nextReleaseId);
        }
        List<ReleaseId> ids = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<ReleaseId> id : threads.invokeAll(calls)) {
                ids.add(id.get());
            }
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(200);
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(201));
    }

    @Test
    void eventsGetIncreasingIdsAndArePagedOldestFirst() {
        assertThat(store.lastEventId()).isZero();
        Release release = release(1, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        Event aboutRelease = Event.of(T0, EventType.DEPLOY_STARTED, release, "deploying web-service:1.0.1", 0, 0);
        Event aboutEnvironment = new Event(99, T0.plusNanos(1), EventType.SCALED, STAGE,
                Optional.empty(), Optional.empty(), "", -1, -1, -1);

        List<Event> stored = store.commit(List.of(release), List.of(aboutRelease, aboutEnvironment, aboutRelease));
        List<Event> more = store.commit(List.of(), List.of(aboutEnvironment, aboutRelease));

        assertThat(stored).containsExactly(aboutRelease.withId(1), aboutEnvironment.withId(2), aboutRelease.withId(3));
        assertThat(more).containsExactly(aboutEnvironment.withId(4), aboutRelease.withId(5));
        assertThat(store.lastEventId()).isEqualTo(5);
        assertThat(store.eventsAfter(0, 2)).containsExactly(stored.get(0), stored.get(1));
        assertThat(store.eventsAfter(2, 2)).containsExactly(stored.get(2), more.get(0));
        assertThat(store.eventsAfter(4, 100)).containsExactly(more.get(1));
        assertThat(store.eventsAfter(5, 100)).isEmpty();
        assertThat(store.eventsAfter(0, 0)).isEmpty();
        assertThatThrownBy(() -> store.eventsAfter(0, -1)).isInstanceOf(ApolloException.Invalid.class);
    }

    @Test
    void onlyTheNewestEventsAreKeptAndTheirIdsAreNeverReused() {
        store.close();
        store = SqliteStore.open(file, CLOCK, 3);
        Event event = new Event(0, T0, EventType.SCALED, PRODUCTION, Optional.empty(), Optional.empty(), "", -1, -1, -1);

        store.commit(List.of(), List.of(event, event));
        store.commit(List.of(), List.of(event, event, event));

        assertThat(store.eventsAfter(0, 100)).extracting(Event::id).containsExactly(3L, 4L, 5L);
        store.close();
        store = SqliteStore.open(file, CLOCK, 3);
        assertThat(store.commit(List.of(), List.of(event))).extracting(Event::id).containsExactly(6L);
        assertThat(store.eventsAfter(0, 100)).extracting(Event::id).containsExactly(4L, 5L, 6L);
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        Environment stage = new Environment(STAGE, Optional.of(PRODUCTION), T0.plusSeconds(1));
        store.createEnvironment(stage);
        Release release = release(store.nextReleaseId().value(), STAGE, "web-service", ReleaseState.LIVE);
        Event event = Event.of(T0, EventType.DEPLOY_SUCCEEDED, release, "live", 2, 2);
        List<Event> stored = store.commit(List.of(release), List.of(event));

        reopen();

        assertThat(store.environment(STAGE)).contains(stage);
        assertThat(store.release(release.id())).contains(release);
        assertThat(store.activeReleases()).containsExactly(release);
        assertThat(store.eventsAfter(0, 10)).isEqualTo(stored);
        assertThat(store.lastEventId()).isEqualTo(stored.getFirst().id());
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
    void refusesAFileThatIsNotADatabase() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.db"), "this is not SQLite, ".repeat(100));

        assertThatThrownBy(() -> SqliteStore.open(garbage, CLOCK))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(garbage.toString());
    }

    @Test
    void environmentsAreCreatedOnce() {
        Environment stage = new Environment(STAGE, Optional.of(PRODUCTION), T0);
        store.createEnvironment(stage);

        assertThat(store.environments()).extracting(Environment::name).containsExactly(PRODUCTION, STAGE);
        assertThatThrownBy(() -> store.createEnvironment(stage))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("'stage1' already exists");
        assertThatThrownBy(() -> store.createEnvironment(
                        new Environment(EnvironmentName.of("stage2"), Optional.of(EnvironmentName.of("nowhere")), T0)))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("'nowhere'");
        assertThat(store.environment(EnvironmentName.of("stage2"))).isEmpty();
    }

    @Test
    void productionCannotBeDeleted() {
        assertThatThrownBy(() -> store.deleteEnvironment(PRODUCTION))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("'production' cannot be deleted");
        assertThat(store.environment(PRODUCTION)).isPresent();
    }

    @Test
    void unknownEnvironmentCannotBeDeleted() {
        assertThatThrownBy(() -> store.deleteEnvironment(STAGE))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("'stage1' does not exist");
    }

    @Test
    void environmentWithActiveReleasesIsKeptUntilTheyStop() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        Release live = release(1, STAGE, "web-service", ReleaseState.LIVE);
        store.commit(List.of(live), List.of());

        assertThatThrownBy(() -> store.deleteEnvironment(STAGE))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining(live.describe());

        store.commit(List.of(live.withState(ReleaseState.UNDEPLOYED, T0, "undeployed")), List.of());
        store.deleteEnvironment(STAGE);

        assertThat(store.environment(STAGE)).isEmpty();
        assertThat(store.release(live.id())).isEmpty();
    }

    @Test
    void environmentOthersFallBackToIsKept() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        store.createEnvironment(new Environment(EnvironmentName.of("stage2"), Optional.of(STAGE), T0));

        assertThatThrownBy(() -> store.deleteEnvironment(STAGE))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("fallback of stage2");
        assertThat(store.environment(STAGE)).isPresent();
    }

    @Test
    void aCommitThatFailsMidwayWritesNothing() {
        Release good = release(1, PRODUCTION, "web-service", ReleaseState.LIVE);
        // No such environment: the foreign key fails the second write, after the first succeeded.
        Release bad = release(2, EnvironmentName.of("nowhere"), "web-service", ReleaseState.LIVE);
        Event event = Event.of(T0, EventType.DEPLOY_STARTED, good, "", 0, 0);

        assertThatThrownBy(() -> store.commit(List.of(good, bad), List.of(event)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("commit 2 release(s) and 1 event(s)");

        assertThat(store.release(good.id())).isEmpty();
        assertThat(store.lastEventId()).isZero();
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(1));
        // The transaction was rolled back, not left open: the next commit works and stays.
        assertThat(store.commit(List.of(good), List.of(event))).hasSize(1);
        reopen();
        assertThat(store.release(good.id())).contains(good);
    }

    @Test
    void aClosedStoreSaysSo() {
        store.close();
        store.close();

        assertThatThrownBy(() -> store.environments())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is closed");
    }

    private static Release release(long id, EnvironmentName environment, String service, ReleaseState state) {
        return new Release(new ReleaseId(id), environment, ServiceName.of(service),
                ArtifactRef.parse(service + ":1.0." + id), 2, HealthCheck.DEFAULT, 256, state,
                T0, T0.plusSeconds(60), T0, "");
    }
}
