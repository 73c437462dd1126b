package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import static dev.apollo.testkit.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.testkit.PostgresCluster;
import dev.apollo.store.jdbc.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the PostgreSQL store has: its schema versions, its connection handling. On a cluster of
 * its own, which one test stops and starts again.
 */
class PostgresStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static PostgresLocation freshDatabase() {
        return PostgresLocation.parse(cluster.url(cluster.createDatabase()));
    }

    private static PostgresStore open(PostgresLocation location, Duration retryFor) {
        return PostgresStore.open(location, PostgresCluster.PASSWORD, CLOCK, PostgresStore.Options.defaults().withRetryFor(retryFor));
    }

    @Test
    void aSchemaNewerThanThisApolloKnowsIsRefusedAndLeftAsItIs() {
        PostgresLocation location = freshDatabase();
        try (PostgresStore store = open(location, Duration.ofSeconds(10))) {
            assertThat(store.schemaVersion()).isEqualTo(Migrations.latestVersion());
            store.db().read("pretend a newer Apollo migrated", c -> Jdbc.update(c, "UPDATE apollo_schema SET version = 99", Jdbc.NO_PARAMETERS));
        }

        assertRefused(() -> open(location, Duration.ofSeconds(10)), StoreException.class, "schema version 99",
                "knows versions up to " + Migrations.latestVersion(), "newer Apollo");
    }

    @Test
    void controlPlanesStartingTogetherMigrateOnce() throws Exception {
        PostgresLocation location = freshDatabase();
        CompletableFuture<PostgresStore> first = CompletableFuture.supplyAsync(() -> open(location, Duration.ofSeconds(30)));
        CompletableFuture<PostgresStore> second = CompletableFuture.supplyAsync(() -> open(location, Duration.ofSeconds(30)));
        try (PostgresStore a = first.get(60, TimeUnit.SECONDS); PostgresStore b = second.get(60, TimeUnit.SECONDS)) {
            assertThat(a.schemaVersion()).isEqualTo(Migrations.latestVersion());
            assertThat(b.environments()).extracting(Environment::name).containsExactly(EnvironmentName.PRODUCTION);
        }
    }

    @Test
    void aWrongPasswordOrAMissingDatabaseIsSaidSo() {
        PostgresLocation location = freshDatabase();
        // A refusal is the server's answer, said at once: not retried, whatever the deadline.
        PostgresStore.Options patient = PostgresStore.Options.defaults().withRetryFor(Duration.ofSeconds(30));
        assertRefused(() -> PostgresStore.open(location, "not-the-password", CLOCK, patient),
                StoreException.class, "password authentication failed", "APOLLO_STORE_PASSWORD");
        assertRefused(() -> open(PostgresLocation.parse(cluster.url("no_such_db")), Duration.ofSeconds(30)),
                StoreException.class, "no_such_db", "createdb");
    }

    /** Last: it stops the cluster's server. */
    @Test
    void aLostConnectionIsRetriedUntilTheDatabaseIsBackAndFailsClearlyPastTheDeadline() throws Exception {
        PostgresLocation location = freshDatabase();
        try (PostgresStore patient = open(location, Duration.ofSeconds(90));
                PostgresStore impatient = open(location, Duration.ofSeconds(1))) {
            cluster.stopServer();
            try {
                assertRefused(impatient::environments, StoreException.class, "did not answer for 1 s", location.url());

                Environment stage = new Environment(EnvironmentName.of("stage1"), Optional.empty(), CLOCK.instant());
                Future<?> write = CompletableFuture.runAsync(() -> patient.createEnvironment(stage));
                assertThat(write).isNotDone();
                cluster.startServer();
                write.get(90, TimeUnit.SECONDS);

                assertThat(patient.environment(stage.name())).contains(stage);
            } finally {
                cluster.startServer();
            }
        }
    }
}
