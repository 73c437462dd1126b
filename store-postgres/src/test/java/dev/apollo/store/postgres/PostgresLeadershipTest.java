package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import static dev.apollo.testkit.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.port.Leadership;
import dev.apollo.core.port.Leadership.Change;
import dev.apollo.core.port.Leadership.Member;
import dev.apollo.testkit.PostgresCluster;
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

/**
 * Two control planes' stores on one real database, racing for the lease. A "paused" leader is one
 * that stops campaigning, exactly what a SIGSTOP or a long GC pause does to it; the database's own
 * clock times the lease, so the tests wait for it by polling, never by sleeping.
 */
class PostgresLeadershipTest {
    private static final Duration LEASE = Duration.ofMillis(1_000);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private PostgresLocation location;
    private PostgresStore storeA;
    private PostgresStore storeB;
    private PostgresLeadership a;
    private PostgresLeadership b;

    @BeforeEach
    void twoControlPlanesOnOneDatabase() {
        PostgresCluster cluster = PostgresCluster.shared();
        location = PostgresLocation.parse(cluster.url(cluster.createDatabase()));
        storeA = open();
        storeB = open();
        a = leadership(storeA, "a", "http://10.0.0.1:7700");
        b = leadership(storeB, "b", "http://10.0.0.2:7700");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    @Test
    void ofCandidatesRacingForTheLeaseExactlyOneWinsAndOnlyItWrites() throws Exception {
        List<Callable<Leadership.Round>> rounds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rounds.add(a::campaign);
            rounds.add(b::campaign);
        }
        List<Leadership.Round> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (Future<Leadership.Round> round : threads.invokeAll(rounds)) {
                results.add(round.get());
            }
        }

        assertThat(results).filteredOn(r -> r.change() == Change.WON).hasSize(1);
        PostgresLeadership winner = a.leading() ? a : b;
        PostgresLeadership loser = winner == a ? b : a;
        assertThat(loser.leading()).isFalse();
        assertThat(winner.term().epoch()).isEqualTo(1);
        PostgresStore winnerStore = winner == a ? storeA : storeB;
        PostgresStore loserStore = winner == a ? storeB : storeA;

        winnerStore.createEnvironment(environment("stage1"));
        assertRefused(() -> loserStore.createEnvironment(environment("stage2")), ApolloException.NotLeader.class,
                "standby", winner.term().address());
        assertThat(loserStore.environments()).extracting(Environment::name).containsExactly(
                EnvironmentName.PRODUCTION, EnvironmentName.of("stage1"));
        assertThat(loser.members()).extracting(Member::id, Member::address).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "http://10.0.0.1:7700"), org.assertj.core.groups.Tuple.tuple("b", "http://10.0.0.2:7700"));
    }

    @Test
    void aPausedLeaderIsFencedOnceAStandbyTakesOverAndStepsDownWhenItResumes() {
        assertThat(a.campaign().change()).isEqualTo(Change.WON);
        assertThat(b.campaign().change()).isEqualTo(Change.NONE);
        storeA.createEnvironment(environment("before-the-pause"));

        // a is paused: it no longer campaigns. b keeps campaigning and takes the lease once it runs out.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> b.campaign().change() == Change.WON);

        assertThat(a.leading()).isFalse();
        assertThat(b.term().epoch()).isEqualTo(2);
        ApolloException.NotLeader refusal = refusedWrite(storeA, "after-the-pause");
        assertThat(refusal).hasMessageContaining("led in epoch 1 but epoch 2 has begun").hasMessageContaining("http://10.0.0.2:7700");
        assertThat(refusal.leader()).contains("http://10.0.0.2:7700");
        assertThat(a.campaign().change()).isEqualTo(Change.LOST);
        assertThat(a.leading()).isFalse();

        storeB.createEnvironment(environment("under-b"));
        assertThat(storeB.environments()).extracting(e -> e.name().value())
                .containsExactly("before-the-pause", "production", "under-b");
    }

    @Test
    void aLeaderWhoseLeaseRanOutCannotWriteEvenBeforeAnyoneTakesOver() {
        assertThat(a.campaign().change()).isEqualTo(Change.WON);

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> a.term().expiresAt().isBefore(databaseNow()));

        assertThat(a.leading()).isFalse();
        assertThat(refusedWrite(storeA, "late")).hasMessageContaining("lease (epoch 1) ran out")
                .hasMessageContaining("no control plane leads right now");
        assertThat(a.campaign().change()).isEqualTo(Change.LOST);
        // Standing by now, it may win a new term like any candidate, under a new epoch.
        assertThat(a.campaign().change()).isEqualTo(Change.WON);
        assertThat(a.epoch()).isEqualTo(2);
        storeA.createEnvironment(environment("in-epoch-2"));
    }

    @Test
    void controlPlanesOnOneDatabaseShareItsIdentityAndOnlyTheLeaderRecordsWhereItsInstancesAre() {
        assertThat(a.clusterId()).matches("[0-9a-f]{32}").isEqualTo(b.clusterId());
        assertThat(a.instancesPlace()).isEmpty();

        assertThat(a.campaign().change()).isEqualTo(Change.WON);
        a.placeInstances("host-1/boot-1", "/var/lib/apollo/a");
        assertThat(b.instancesPlace()).contains(new PostgresLeadership.InstancesPlace("host-1/boot-1", "/var/lib/apollo/a",
                a.epoch()));

        ApolloException.NotLeader refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                ApolloException.NotLeader.class, () -> b.placeInstances("host-2/boot-2", "/var/lib/apollo/b"));
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("standby");
        assertThat(a.instancesPlace().orElseThrow().home()).isEqualTo("/var/lib/apollo/a");
    }

    @Test
    void aLeaderThatResignsHandsOverAtOnceAndTheLeaseIsRenewedWhileItLeads() {
        assertThat(a.campaign().change()).isEqualTo(Change.WON);
        Instant firstExpiry = a.term().expiresAt();
        await().atMost(PATIENCE).until(() -> a.campaign().term().expiresAt().isAfter(firstExpiry));
        assertThat(a.leading()).isTrue();
        assertThat(b.campaign().change()).isEqualTo(Change.NONE);

        a.resign();

        assertThat(b.campaign().change()).isEqualTo(Change.WON);
        assertThat(b.term()).extracting(Leadership.Term::holder, Leadership.Term::address).containsExactly("b", "http://10.0.0.2:7700");
        assertThat(refusedWrite(storeA, "after-resigning")).hasMessageContaining("standby");
    }

    private ApolloException.NotLeader refusedWrite(PostgresStore store, String environment) {
        try {
            store.createEnvironment(environment(environment));
        } catch (ApolloException.NotLeader e) {
            assertThat(storeB.environment(EnvironmentName.of(environment))).isEmpty();
            return e;
        }
        throw new AssertionError("the write to " + environment + " was not refused");
    }

    private Instant databaseNow() {
        return storeA.db().read("read the database's clock", c -> Jdbc.first(c, "SELECT clock_timestamp()", Jdbc.NO_PARAMETERS,
                row -> row.getObject(1, java.time.OffsetDateTime.class).toInstant()).orElseThrow());
    }

    private PostgresStore open() {
        PostgresStore store = PostgresStore.open(location, PostgresCluster.PASSWORD, CLOCK,
                PostgresStore.Options.defaults().withRetryFor(Duration.ofSeconds(10)));
        opened.add(store);
        return store;
    }

    private PostgresLeadership leadership(PostgresStore store, String id, String address) {
        PostgresLeadership leadership = PostgresLeadership.of(store, id, address, LEASE);
        opened.add(leadership);
        return leadership;
    }

    private static Environment environment(String name) {
        return new Environment(EnvironmentName.of(name), Optional.empty(), CLOCK.instant());
    }
}
