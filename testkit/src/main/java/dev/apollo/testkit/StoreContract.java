package dev.apollo.testkit;

import static dev.apollo.testkit.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.External;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Probe;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Store} does, whatever keeps its data. An adapter's test extends this class and
 * says how to open a store on fresh data and how to open the same data again; the adapter is done
 * when all of this passes. What only one backend has (its files, its schema) is tested beside it.
 *
 * <p>Errors are checked by type and by the words that name the culprit, not by whole sentences,
 * so that a backend may word its messages its own way.
 *
 * <p>Longer than our other files on purpose: it is the one list of what a store promises, section
 * by section as the port declares it; split in parts, a new backend's author could miss one.
 */
public abstract class StoreContract {
    // Nanoseconds on purpose: times must come back exactly as they went in.
    protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456789Z");
    private static final EnvironmentName PRODUCTION = EnvironmentName.PRODUCTION;
    private static final EnvironmentName STAGE = EnvironmentName.of("stage1");
    private static final ServiceName WEB = ServiceName.of("web-service");
    private static final RoutePath SHOP = RoutePath.of("/shop");
    private static final ServiceName PAYMENTS = ServiceName.of("payments");
    private static final VariableName DATABASE_URL = VariableName.of("DATABASE_URL");
    private static final VariableName PASSWORD = VariableName.of("DB_PASSWORD");
    private static final RunSettings SETTINGS = RunSettings.of(Map.of(DATABASE_URL, "jdbc:postgresql://db/shop"),
            Map.of(VariableName.of("SERVER_PORT"), "${PORT}"), List.of("--port=${PORT}", "--verbose"), List.of("-XX:+UseZGC"),
            Map.of(PASSWORD, 3));

    /** The store's only clock; it moves when a test says so. */
    protected final ManualClock clock = new ManualClock(T0);

    protected Store store;

    /** A store on fresh, empty data, reading the time from {@code clock}. */
    protected abstract Store newStore(Clock clock);

    /**
     * Closes {@code store} and opens its data again, as a restarted control plane would. A store
     * that keeps its data in memory may return {@code store} itself.
     */
    protected abstract Store reopen(Store store, Clock clock);

    @BeforeEach
    protected final void openStore() {
        store = newStore(clock);
    }

    @AfterEach
    protected final void closeStore() {
        store.close();
    }

    /** Reopens an hour later, so that anything the store wrongly re-creates on open shows a new time. */
    private void restart() {
        clock.advance(Duration.ofHours(1));
        store = reopen(store, clock);
    }

    // --- Environments ---

    @Test
    void productionExistsFromTheStartAndIsNotCreatedAgainOnReopen() {
        Environment production = new Environment(PRODUCTION, Optional.empty(), T0);
        assertThat(store.environments()).containsExactly(production);

        restart();

        assertThat(store.environments()).containsExactly(production);
        assertThat(store.environment(PRODUCTION)).contains(production);
    }

    @Test
    void anEnvironmentIsCreatedOnceAndEnvironmentsAreListedByName() {
        Environment stage = new Environment(STAGE, Optional.of(PRODUCTION), T0.plusSeconds(1));
        Environment alpha = new Environment(EnvironmentName.of("alpha"), Optional.empty(), T0);
        store.createEnvironment(stage);
        store.createEnvironment(alpha);

        assertThat(store.environments()).containsExactly(alpha, store.environment(PRODUCTION).orElseThrow(), stage);
        assertRefused(() -> store.createEnvironment(new Environment(STAGE, Optional.empty(), T0)),
                ApolloException.Conflict.class, "'stage1' already exists");
        assertRefused(() -> store.createEnvironment(new Environment(PRODUCTION, Optional.empty(), T0)),
                ApolloException.Conflict.class, "'production' already exists");
        assertThat(store.environment(STAGE)).contains(stage);
    }

    @Test
    void anEnvironmentCannotFallBackToOneThatDoesNotExist() {
        assertRefused(() -> store.createEnvironment(new Environment(STAGE, Optional.of(EnvironmentName.of("nowhere")), T0)),
                ApolloException.NotFound.class, "'nowhere'");
        assertThat(store.environment(STAGE)).isEmpty();
    }

    @Test
    void productionCannotBeDeleted() {
        assertRefused(() -> store.deleteEnvironment(PRODUCTION), ApolloException.Conflict.class, "'production' cannot be deleted");
        assertThat(store.environment(PRODUCTION)).isPresent();
    }

    @Test
    void anUnknownEnvironmentCannotBeDeleted() {
        assertRefused(() -> store.deleteEnvironment(STAGE), ApolloException.NotFound.class, "'stage1' does not exist");
    }

    @Test
    void anEnvironmentWithActiveReleasesIsKeptUntilTheyStop() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        List<ReleaseState> activeStates = Arrays.stream(ReleaseState.values()).filter(ReleaseState::active).toList();
        List<Release> active = new ArrayList<>();
        for (ReleaseState state : activeStates) {
            active.add(release(active.size() + 1, STAGE, "svc-" + state.name().toLowerCase(), state));
        }
        store.commit(active, List.of());

        assertRefused(() -> store.deleteEnvironment(STAGE), ApolloException.Conflict.class,
                "active releases", active.getFirst().describe(), active.getLast().describe());
        assertThat(store.environment(STAGE)).isPresent();

        store.commit(active.stream().map(r -> r.withState(ReleaseState.UNDEPLOYED, T0, "undeployed")).toList(), List.of());
        store.deleteEnvironment(STAGE);

        assertThat(store.environment(STAGE)).isEmpty();
    }

    @Test
    void anEnvironmentOthersFallBackToIsKept() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        store.createEnvironment(new Environment(EnvironmentName.of("stage2"), Optional.of(STAGE), T0));

        assertRefused(() -> store.deleteEnvironment(STAGE), ApolloException.Conflict.class, "fallback of stage2");
        assertThat(store.environment(STAGE)).isPresent();
    }

    @Test
    void deletingAnEnvironmentTakesItsHistoryRoutesAndExternalsWithIt() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        Release stopped = release(1, STAGE, "web-service", ReleaseState.UNDEPLOYED);
        Route productionRoute = route(PRODUCTION, "/shop", "shop");
        External productionExternal = external(PRODUCTION, "payments", "https://pay.example.com/v1");
        store.commit(List.of(stopped), List.of());
        store.putRoute(route(STAGE, "/shop", "shop"));
        store.putRoute(productionRoute);
        store.putExternal(external(STAGE, "payments", "http://127.0.0.1:9999"));
        store.putExternal(productionExternal);

        store.deleteEnvironment(STAGE);

        assertThat(store.release(stopped.id())).isEmpty();
        assertThat(store.history(STAGE, WEB)).isEmpty();
        assertThat(store.routes()).containsExactly(productionRoute);
        assertThat(store.externals()).containsExactly(productionExternal);
    }

    // --- Releases ---

    @ParameterizedTest
    @ValueSource(strings = {"web-service:1.6.0", "com.example:web-service:2.0.0-rc.1"})
    void aReleaseComesBackWithEveryField(String coordinates) {
        HealthCheck health = new HealthCheck(new Probe.Http("/ready"),
                new Probe.Command(List.of("/usr/local/bin/check", "--name", "it's \"quoted\" ünïcode")),
                Duration.ofMillis(1_500), Duration.ofMillis(250), Duration.ofSeconds(3), 7);
        Release release = new Release(new ReleaseId(42), PRODUCTION, WEB, ArtifactRef.parse(coordinates), 3, health, 512,
                SETTINGS, ReleaseState.FAILED, T0, T0.plusSeconds(90), T0.plusMillis(1),
                "instance web-service-1 never became healthy");

        store.commit(List.of(release), List.of());

        assertThat(store.release(release.id())).contains(release);
        restart();
        assertThat(store.release(release.id())).contains(release);
    }

    @Test
    void everyKindOfProbeComesBack() {
        List<Probe> probes = List.of(new Probe.Tcp(), new Probe.Http("/health/is_alive"), new Probe.Command(List.of("check")));
        List<Release> releases = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Probe other = probes.get((i + 1) % probes.size());
            HealthCheck health = new HealthCheck(probes.get(i), other, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
            releases.add(new Release(new ReleaseId(50 + i), PRODUCTION, WEB, ArtifactRef.parse("web-service:1.0." + i), 1, health,
                    256, RunSettings.NONE, ReleaseState.LIVE, T0, T0, T0, ""));
        }

        store.commit(releases, List.of());
        restart();

        assertThat(releases).allSatisfy(release -> assertThat(store.release(release.id())).contains(release));
    }

    @Test
    void anUnknownReleaseIsEmpty() {
        assertThat(store.release(new ReleaseId(7))).isEmpty();
    }

    @Test
    void aCommitReplacesTheReleaseWithTheSameId() {
        Release deploying = release(1, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        store.commit(List.of(deploying), List.of());

        Release live = deploying.withState(ReleaseState.LIVE, T0.plusSeconds(5), "healthy").withInstances(5, T0.plusSeconds(6));
        store.commit(List.of(live), List.of());

        assertThat(store.release(deploying.id())).contains(live);
        assertThat(store.history(PRODUCTION, WEB)).containsExactly(live);
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

        assertThat(store.history(PRODUCTION, WEB)).containsExactly(third, second, first);
        assertThat(store.history(STAGE, WEB)).containsExactly(otherEnvironment);
        assertThat(store.history(PRODUCTION, ServiceName.of("nothing"))).isEmpty();
    }

    /** Active is {@link ReleaseState#active()}: deploying, live, previous and testbed. */
    @Test
    void activeReleasesAreThoseInAnActiveStateOldestFirst() {
        List<Release> all = new ArrayList<>();
        for (ReleaseState state : ReleaseState.values()) {
            all.add(release(all.size() + 1, PRODUCTION, "web-service", state));
        }
        Release laterLive = release(all.size() + 1, PRODUCTION, "rpc-service", ReleaseState.LIVE);
        all.add(laterLive);
        store.commit(all.reversed(), List.of());

        assertThat(store.activeReleases()).containsExactly(
                all.get(ReleaseState.DEPLOYING.ordinal()), all.get(ReleaseState.LIVE.ordinal()),
                all.get(ReleaseState.PREVIOUS.ordinal()), all.get(ReleaseState.TESTBED.ordinal()), laterLive);
    }

    @Test
    void latestReleasesAreTheNewestOfEachServiceInEachEnvironmentWhateverTheirState() {
        Release failedFirstDeploy = release(1, PRODUCTION, "broken", ReleaseState.FAILED);
        Release replaced = release(2, PRODUCTION, "web-service", ReleaseState.REPLACED);
        Release live = release(3, PRODUCTION, "web-service", ReleaseState.LIVE);
        Release failedAfterLive = release(4, PRODUCTION, "web-service", ReleaseState.FAILED);
        store.commit(List.of(failedAfterLive, live, replaced, failedFirstDeploy), List.of());

        assertThat(store.latestReleases()).containsExactly(failedFirstDeploy, failedAfterLive);
    }

    @Test
    void releaseIdsAreNeverHandedOutTwiceNotEvenAfterAReopen() {
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(1));
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(2));

        restart();

        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(3));
    }

    @Test
    void aReleaseStoredUnderAnIdNotHandedOutMovesTheIdsPastIt() {
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
    void aCommitThatFailsMidwayWritesNothing() {
        Release good = release(1, PRODUCTION, "web-service", ReleaseState.LIVE);
        // No such environment: the second release fails the commit after the first one was written.
        Release bad = release(2, EnvironmentName.of("nowhere"), "web-service", ReleaseState.LIVE);
        Event event = Event.of(T0, EventType.DEPLOY_STARTED, good, "", 0, 0);

        // Which error is the backend's choice (the port does not say); what matters is that nothing stays.
        assertThatThrownBy(() -> store.commit(List.of(good, bad), List.of(event))).isInstanceOf(ApolloException.class);

        assertThat(store.release(good.id())).isEmpty();
        assertThat(store.lastEventId()).isZero();
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(1));
        // Undone, not left half open: the next commit works and stays.
        assertThat(store.commit(List.of(good), List.of(event))).hasSize(1);
        restart();
        assertThat(store.release(good.id())).contains(good);
    }

    // --- Events ---

    @Test
    void eventsGetIdsOneAfterAnotherWhateverIdTheyCarry() {
        assertThat(store.lastEventId()).isZero();
        Release release = release(1, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        Event aboutRelease = Event.of(T0, EventType.DEPLOY_STARTED, release, "deploying web-service:1.0.1", 0, 0);
        Event aboutEnvironment = environmentEvent(99);

        List<Event> stored = store.commit(List.of(release), List.of(aboutRelease, aboutEnvironment, aboutRelease));
        List<Event> more = store.commit(List.of(), List.of(aboutEnvironment, aboutRelease));

        assertThat(stored).containsExactly(aboutRelease.withId(1), aboutEnvironment.withId(2), aboutRelease.withId(3));
        assertThat(more).containsExactly(aboutEnvironment.withId(4), aboutRelease.withId(5));
        assertThat(store.lastEventId()).isEqualTo(5);
    }

    @Test
    void eventsAreReadOldestFirstAfterAnIdAtMostLimitAtATime() {
        List<Event> stored = store.commit(List.of(), List.of(
                environmentEvent(0), environmentEvent(0), environmentEvent(0), environmentEvent(0), environmentEvent(0)));

        assertThat(store.eventsAfter(0, 2)).containsExactly(stored.get(0), stored.get(1));
        assertThat(store.eventsAfter(2, 2)).containsExactly(stored.get(2), stored.get(3));
        assertThat(store.eventsAfter(4, 100)).containsExactly(stored.get(4));
        assertThat(store.eventsAfter(5, 100)).isEmpty();
        assertThat(store.eventsAfter(0, 0)).isEmpty();
    }

    @Test
    void theEventsOfAReleaseComeBackOldestFirstWithTheInstanceTheyAreAbout() {
        Release release = release(7, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        Release other = release(8, PRODUCTION, "web-service", ReleaseState.DEPLOYING);
        InstanceId instance = new InstanceId("web-service-0a1b2c3d");
        List<Event> stored = store.commit(List.of(release, other), List.of(
                Event.of(T0, EventType.DEPLOY_STARTED, release, "started", 0, 0),
                Event.ofInstance(T0, EventType.INSTANCE_HEALTHY, other, instance, "other", 1, 1),
                Event.ofInstance(T0.plusSeconds(1), EventType.INSTANCE_HEALTHY, release, instance, "healthy", 1, 1),
                environmentEvent(0)));

        assertThat(store.eventsOf(release.id())).containsExactly(stored.get(0), stored.get(2));
        assertThat(store.eventsOf(release.id()).getLast().instance()).contains(instance);
        assertThat(store.eventsOf(release.id()).getFirst().instance()).isEmpty();
        restart();
        assertThat(store.eventsOf(release.id())).containsExactly(stored.get(0), stored.get(2));
        assertThat(store.eventsOf(new ReleaseId(99))).isEmpty();
    }

    @Test
    void aNegativeEventLimitIsInvalid() {
        assertRefused(() -> store.eventsAfter(0, -1), ApolloException.Invalid.class, "limit", "-1");
    }

    // --- Routes and externals: the same rules, one value per key (path, name) in each environment ---

    @Test
    void routesAreByEnvironmentThenLongestPathFirstAndExternalsByEnvironmentThenName() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        for (EnvironmentName environment : List.of(STAGE, PRODUCTION)) {
            for (String path : List.of("/", "/b", "/shop/cart", "/a", "/shop")) {
                store.putRoute(route(environment, path, "svc"));
            }
            for (String name : List.of("search", "payments", "maps")) {
                store.putExternal(external(environment, name, "https://" + name + ".example.com"));
            }
        }

        assertThat(store.routes()).extracting(r -> r.environment() + " " + r.path()).containsExactly(
                "production /shop/cart", "production /shop", "production /a", "production /b", "production /",
                "stage1 /shop/cart", "stage1 /shop", "stage1 /a", "stage1 /b", "stage1 /");
        assertThat(store.externals()).extracting(e -> e.environment() + " " + e.name()).containsExactly(
                "production maps", "production payments", "production search", "stage1 maps", "stage1 payments", "stage1 search");
    }

    @Test
    void aRouteOrAnExternalIsRepointedByItsKeyAndRemovedOnceInItsEnvironmentOnly() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        Route stageShop = route(STAGE, "/shop", "shop");
        External stagePayments = external(STAGE, "payments", "http://127.0.0.1:9999");
        store.putRoute(stageShop);
        store.putExternal(stagePayments);
        store.putRoute(route(PRODUCTION, "/shop", "shop"));
        store.putExternal(external(PRODUCTION, "payments", "https://pay.example.com/v1"));

        Route shopV2 = new Route(PRODUCTION, SHOP, ServiceName.of("shop-v2"), T0.plusSeconds(1));
        External paymentsV2 = new External(PRODUCTION, PAYMENTS, URI.create("https://pay.example.com/v2"), T0.plusSeconds(1));
        store.putRoute(shopV2);
        store.putExternal(paymentsV2);

        assertThat(store.routes()).containsExactly(shopV2, stageShop);
        assertThat(store.externals()).containsExactly(paymentsV2, stagePayments);
        assertThat(store.removeRoute(PRODUCTION, SHOP)).isTrue();
        assertThat(store.removeExternal(PRODUCTION, PAYMENTS)).isTrue();
        assertThat(store.removeRoute(PRODUCTION, SHOP)).isFalse();
        assertThat(store.removeExternal(PRODUCTION, PAYMENTS)).isFalse();
        assertThat(store.removeRoute(EnvironmentName.of("nowhere"), SHOP)).isFalse();
        assertThat(store.removeExternal(EnvironmentName.of("nowhere"), PAYMENTS)).isFalse();
        assertThat(store.routes()).containsExactly(stageShop);
        assertThat(store.externals()).containsExactly(stagePayments);
    }

    @Test
    void routesAndExternalsNeedAnExistingEnvironment() {
        assertRefused(() -> store.putRoute(route(STAGE, "/shop", "shop")),
                ApolloException.NotFound.class, "'stage1' does not exist");
        assertRefused(() -> store.putExternal(external(STAGE, "payments", "https://pay.example.com")),
                ApolloException.NotFound.class, "'stage1' does not exist");
        assertThat(store.routes()).isEmpty();
        assertThat(store.externals()).isEmpty();
    }

    // --- Configuration and secrets: per service and environment, outliving releases ---

    @Test
    void configurationIsSetAndUnsetPerServiceAndEnvironmentInOneChange() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        store.changeConfiguration(PRODUCTION, WEB, Map.of(DATABASE_URL, "jdbc:one", VariableName.of("MODE"), "fast"), Set.of());
        store.changeConfiguration(STAGE, WEB, Map.of(DATABASE_URL, "jdbc:stage"), Set.of());

        store.changeConfiguration(PRODUCTION, WEB, Map.of(DATABASE_URL, "jdbc:two"), Set.of(VariableName.of("MODE")));

        assertThat(store.configuration(PRODUCTION, WEB)).containsExactly(Map.entry(DATABASE_URL, "jdbc:two"));
        assertThat(store.configuration(STAGE, WEB)).containsExactly(Map.entry(DATABASE_URL, "jdbc:stage"));
        assertThat(store.configuration(PRODUCTION, PAYMENTS)).isEmpty();
        assertRefused(() -> store.changeConfiguration(EnvironmentName.of("nowhere"), WEB, Map.of(DATABASE_URL, "x"), Set.of()),
                ApolloException.NotFound.class, "'nowhere'");
        restart();
        assertThat(store.configuration(PRODUCTION, WEB)).containsExactly(Map.entry(DATABASE_URL, "jdbc:two"));
    }

    @Test
    void aSecretGetsANewVersionEachTimeItIsSetAndEveryVersionStaysReadable() {
        SecretInfo first = store.putSecret(PRODUCTION, WEB, PASSWORD, new byte[] {1, 2, 3}, T0);
        SecretInfo second = store.putSecret(PRODUCTION, WEB, PASSWORD, new byte[] {4, 5}, T0.plusSeconds(1));

        assertThat(first).isEqualTo(new SecretInfo(PASSWORD, 1, T0));
        assertThat(second.version()).isEqualTo(2);
        assertThat(store.secrets(PRODUCTION, WEB)).containsExactly(second);
        assertThat(store.sealedSecret(PRODUCTION, WEB, PASSWORD, 1)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
        assertThat(store.sealedSecret(PRODUCTION, WEB, PASSWORD, 2)).hasValueSatisfying(v -> assertThat(v).containsExactly(4, 5));
        assertThat(store.sealedSecret(PRODUCTION, WEB, PASSWORD, 3)).isEmpty();
        assertThat(store.secrets(PRODUCTION, PAYMENTS)).isEmpty();
        assertRefused(() -> store.putSecret(EnvironmentName.of("nowhere"), WEB, PASSWORD, new byte[] {1}, T0),
                ApolloException.NotFound.class, "'nowhere'");
        restart();
        assertThat(store.secrets(PRODUCTION, WEB)).containsExactly(second);
    }

    @Test
    void aRemovedSecretIsNoLongerCurrentButItsVersionsStayForTheReleasesThatHaveThem() {
        store.putSecret(PRODUCTION, WEB, PASSWORD, new byte[] {1}, T0);

        assertThat(store.removeSecret(PRODUCTION, WEB, PASSWORD)).isTrue();
        assertThat(store.removeSecret(PRODUCTION, WEB, PASSWORD)).isFalse();
        assertThat(store.removeSecret(PRODUCTION, WEB, VariableName.of("NEVER_SET"))).isFalse();

        assertThat(store.secrets(PRODUCTION, WEB)).isEmpty();
        assertThat(store.sealedSecret(PRODUCTION, WEB, PASSWORD, 1)).isPresent();
        assertThat(store.putSecret(PRODUCTION, WEB, PASSWORD, new byte[] {2}, T0).version()).isEqualTo(2);
        assertThat(store.secrets(PRODUCTION, WEB)).extracting(SecretInfo::version).containsExactly(2);
    }

    @Test
    void configurationAndSecretsGoWithTheirEnvironment() {
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));
        store.changeConfiguration(STAGE, WEB, Map.of(DATABASE_URL, "jdbc:stage"), Set.of());
        store.putSecret(STAGE, WEB, PASSWORD, new byte[] {1}, T0);

        store.deleteEnvironment(STAGE);
        store.createEnvironment(new Environment(STAGE, Optional.empty(), T0));

        assertThat(store.configuration(STAGE, WEB)).isEmpty();
        assertThat(store.secrets(STAGE, WEB)).isEmpty();
        assertThat(store.sealedSecret(STAGE, WEB, PASSWORD, 1)).isEmpty();
    }

    // --- Durability ---

    @Test
    void everythingSurvivesAReopenAndIdsGoOnWhereTheyStopped() {
        Environment stage = new Environment(STAGE, Optional.of(PRODUCTION), T0.plusSeconds(1));
        store.createEnvironment(stage);
        Release release = release(store.nextReleaseId().value(), STAGE, "web-service", ReleaseState.LIVE);
        List<Event> events = store.commit(List.of(release), List.of(Event.of(T0, EventType.DEPLOY_SUCCEEDED, release, "live", 2, 2)));
        store.putRoute(route(STAGE, "/shop", "web-service"));
        store.putExternal(external(STAGE, "payments", "https://pay.example.com/v1"));
        List<Route> routes = store.routes();
        List<External> externals = store.externals();

        restart();

        assertThat(store.environment(STAGE)).contains(stage);
        assertThat(store.release(release.id())).contains(release);
        assertThat(store.activeReleases()).containsExactly(release);
        assertThat(store.eventsAfter(0, 10)).isEqualTo(events);
        assertThat(store.lastEventId()).isEqualTo(events.getLast().id());
        assertThat(store.routes()).isEqualTo(routes);
        assertThat(store.externals()).isEqualTo(externals);
        assertThat(store.nextReleaseId()).isEqualTo(new ReleaseId(release.id().value() + 1));
        assertThat(store.commit(List.of(), List.of(environmentEvent(0)))).extracting(Event::id)
                .containsExactly(events.getLast().id() + 1);
    }

    private static Release release(long id, EnvironmentName environment, String service, ReleaseState state) {
        return new Release(new ReleaseId(id), environment, ServiceName.of(service),
                ArtifactRef.parse(service + ":1.0." + id), 2, HealthCheck.DEFAULT, 256, RunSettings.NONE, state,
                T0, T0.plusSeconds(60), T0, "");
    }

    /** An event about the staging environment as a whole, carrying {@code id} (which the store must ignore). */
    private static Event environmentEvent(long id) {
        return Event.about(T0.plusNanos(1), EventType.SCALED, STAGE, Optional.empty(), "").withId(id);
    }

    private static Route route(EnvironmentName environment, String path, String service) {
        return new Route(environment, RoutePath.of(path), ServiceName.of(service), T0);
    }

    private static External external(EnvironmentName environment, String name, String url) {
        return new External(environment, ServiceName.of(name), URI.create(url), T0);
    }
}
