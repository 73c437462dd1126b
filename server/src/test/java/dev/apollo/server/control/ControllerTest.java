package dev.apollo.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.artifacts.FileArtifactStore;
import dev.apollo.core.ApolloException;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Probe;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.server.secrets.SecretBox;
import dev.apollo.server.secrets.SecretVault;
import dev.apollo.testkit.FakeScheduler;
import dev.apollo.testkit.InMemoryStore;
import dev.apollo.testkit.ManualClock;
import dev.apollo.testkit.TestImages;
import dev.apollo.testkit.TestJars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control loop on fakes of its ports and a clock the test moves: each scenario steps the loop
 * by hand, so what it asserts holds at an exact moment, not "eventually".
 */
class ControllerTest {
    private static final EnvironmentName PRODUCTION = EnvironmentName.PRODUCTION;
    private static final ServiceName WEB = ServiceName.of("web-service");
    private static final Duration ROLLBACK_WINDOW = Duration.ofMinutes(5);
    private static final Probe READY = new Probe.Http("/ready");
    /** Readiness {@code GET /ready}, liveness the default probe, with the default timings. */
    private static final HealthCheck SPLIT = new HealthCheck(READY, HealthCheck.DEFAULT_PROBE, HealthCheck.DEFAULT.grace(),
            HealthCheck.DEFAULT.interval(), HealthCheck.DEFAULT.timeout(), HealthCheck.DEFAULT.failureThreshold());

    @TempDir
    Path artifactsDir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private FakeScheduler scheduler = new FakeScheduler(clock);
    private final Set<String> sickVersions = new HashSet<>();
    private final Set<InstanceId> unready = new HashSet<>();
    private final List<Probe> probesSent = new ArrayList<>();
    private final List<Controller> controllers = new ArrayList<>();
    private RouteFeed routeFeed;
    private FileArtifactStore artifacts;
    private Controller controller;

    @BeforeEach
    void start() {
        artifacts = FileArtifactStore.open(artifactsDir, FileArtifactStore.Options.defaults());
        for (String version : List.of("1.0.0", "2.0.0", "3.0.0")) {
            artifacts.push(WEB, Version.of(version), new ByteArrayInputStream(TestJars.jar("web-service " + version)));
        }
        controller = controllerOn(scheduler);
    }

    @AfterEach
    void stop() {
        controllers.forEach(Controller::close);
    }

    private Controller controllerOn(FakeScheduler on) {
        routeFeed = new RouteFeed(clock);
        Controller next = new Controller(store, on, artifacts, new EventBus(store), routeFeed, this::probe,
                new SecretVault(store, SecretBox.open(artifactsDir.resolve("secret.key"))), clock,
                new Controller.Settings(Duration.ofSeconds(1), URI.create("http://127.0.0.1:9090"), Duration.ZERO,
                        ROLLBACK_WINDOW, Duration.ofSeconds(60), TrafficSync.IMMEDIATE));
        controllers.add(next);
        next.startStepping();
        return next;
    }

    /**
     * The readiness probe {@link #READY} fails for the instances the test made unready; every other
     * probe (liveness, and the default one for both) fails for the versions it made sick.
     */
    private CompletableFuture<ProbeResult> probe(Address address, Probe probe, Duration timeout) {
        probesSent.add(probe);
        Optional<ObservedInstance> instance = scheduler.instances().stream()
                .filter(i -> i.address().equals(Optional.of(address)))
                .findFirst();
        boolean failing = probe.equals(READY)
                ? instance.map(ObservedInstance::id).filter(unready::contains).isPresent()
                : instance.map(i -> scheduler.variablesOf(i.id()).get("APOLLO_VERSION")).filter(sickVersions::contains).isPresent();
        return CompletableFuture.completedFuture(failing ? ProbeResult.failed(probe.describe() + " answered 503") : ProbeResult.ok());
    }

    /** The instances the route table sends traffic to, in every environment. */
    private Set<String> routed() {
        Set<String> instances = new HashSet<>();
        routeFeed.current().environments().forEach(environment -> environment.services().forEach(service ->
                service.backends().forEach(backend -> instances.add(backend.instance()))));
        return instances;
    }

    /** Lets time pass in loop-sized steps, so probes go out and their answers come back. */
    private void run(Duration total) {
        for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plusMillis(200)) {
            clock.advance(Duration.ofMillis(200));
            controller.step();
            controller.step(); // takes in the answers of the probes the previous step sent
        }
    }

    private Release deploy(String version, int instances) {
        return deploy(version, instances, HealthCheck.DEFAULT);
    }

    private Release deploy(Deploy deploy) {
        return controller.deploy(deploy).release();
    }

    private Release deploy(String version, int instances, HealthCheck health) {
        return controller.deploy(new Deploy(ArtifactRef.parse("web-service:" + version), instances, PRODUCTION,
                health, 128, Duration.ofSeconds(60), false, List.of(), Map.of(), List.of(), List.of())).release();
    }

    private Release state(Release release) {
        return store.release(release.id()).orElseThrow();
    }

    private long running(Release release) {
        return scheduler.runningByRelease().getOrDefault(release.id(), 0L);
    }

    private List<EventType> eventsOf(Release release) {
        return store.eventsAfter(0, 10_000).stream()
                .filter(e -> e.release().equals(Optional.of(release.id())))
                .map(Event::type)
                .toList();
    }

    private Release liveAt(String version, int instances) {
        Release release = deploy(version, instances);
        run(Duration.ofSeconds(1));
        assertThat(state(release).state()).isEqualTo(ReleaseState.LIVE);
        return release;
    }

    @Test
    void scalingAServiceWithNoLiveReleaseNamesWhatIsLiveThereSoATypoShows() {
        liveAt("1.0.0", 1);

        assertThatThrownBy(() -> controller.scale(PRODUCTION, ServiceName.of("web-servce"), 2))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessage("service web-servce has no live release in production; deploy it first: apollo artifact-deploy"
                        + " web-servce:VERSION -e production (live in production: web-service)");
    }

    @Test
    void aDeployGoesLiveOnceEveryInstanceIsHealthyWithTheVariablesItWasGiven() {
        Release release = deploy("1.0.0", 2);

        controller.step();
        assertThat(running(release)).isEqualTo(2);
        assertThat(state(release).state()).isEqualTo(ReleaseState.DEPLOYING);
        run(Duration.ofSeconds(1));

        assertThat(state(release).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(eventsOf(release)).containsSubsequence(EventType.DEPLOY_STARTED, EventType.INSTANCE_STARTED,
                EventType.INSTANCE_STARTED, EventType.INSTANCE_HEALTHY, EventType.INSTANCE_HEALTHY,
                EventType.TRAFFIC_SWITCHED, EventType.DEPLOY_SUCCEEDED);
        ObservedInstance instance = scheduler.instances().get(0);
        assertThat(scheduler.variablesOf(instance.id())).containsEntry("APOLLO_ENV", "production")
                .containsEntry("APOLLO_SERVICE", "web-service").containsEntry("APOLLO_VERSION", "1.0.0")
                .containsEntry("RPC_INT", "http://127.0.0.1:9090").containsEntry("APOLLO_INSTANCE_ID", instance.id().value());
        run(Duration.ofSeconds(5));
        assertThat(running(release)).isEqualTo(2); // steady: nothing more is started
    }

    @Test
    void aDeployThatNeverGetsHealthyFailsAtItsDeadlineAndTheLiveReleaseKeepsServing() {
        Release live = liveAt("1.0.0", 2);
        sickVersions.add("2.0.0");

        // A grace longer than the deadline: failed checks never count, so only the deadline ends the deploy.
        Release next = deploy("2.0.0", 2, new HealthCheck(HealthCheck.DEFAULT_PROBE, HealthCheck.DEFAULT_PROBE,
                Duration.ofSeconds(120), Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
        run(Duration.ofSeconds(30));
        assertThat(state(next).state()).isEqualTo(ReleaseState.DEPLOYING);
        run(Duration.ofSeconds(31));

        assertThat(state(next).state()).isEqualTo(ReleaseState.FAILED);
        assertThat(state(next).reason()).contains("0 of 2 instances became healthy within the 60s deadline")
                .contains("GET /health/is_alive answered 503");
        assertThat(state(live).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(running(live)).isEqualTo(2);
        assertThat(running(next)).isZero();
    }

    @Test
    void aCrashLoopBacksOffBetweenStartsAndFailsTheDeployEarly() {
        Release release = deploy("1.0.0", 1);
        controller.step();

        List<Instant> starts = new ArrayList<>();
        for (int crash = 0; crash < DeployEvaluator.CRASH_LOOP_LIMIT; crash++) {
            ObservedInstance instance = scheduler.instances().stream().filter(ObservedInstance::running).findFirst()
                    .orElseThrow();
            starts.add(instance.startedAt());
            scheduler.crash(instance.id(), 1);
            controller.step();
            if (crash < DeployEvaluator.CRASH_LOOP_LIMIT - 1) {
                assertThat(running(release)).as("no start during the back-off").isZero();
                while (running(release) == 0) {
                    clock.advance(Duration.ofMillis(100));
                    controller.step();
                }
            }
        }

        assertThat(state(release).state()).isEqualTo(ReleaseState.FAILED);
        assertThat(state(release).reason()).contains("failed 5 times in a row");
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            gaps.add(Duration.between(starts.get(i - 1), starts.get(i)));
        }
        assertThat(gaps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8));
        assertThat(eventsOf(release)).contains(EventType.BACKING_OFF, EventType.DEPLOY_FAILED);
    }

    @Test
    void anUnhealthyInstanceIsReplaced() {
        Release release = liveAt("1.0.0", 1);
        ObservedInstance first = scheduler.instances().get(0);

        sickVersions.add("1.0.0");
        run(Duration.ofSeconds(7)); // three failed probes, 2 s apart
        sickVersions.clear();
        run(Duration.ofSeconds(3)); // back-off of 1 s, then a new one starts and gets healthy

        assertThat(scheduler.instances()).filteredOn(ObservedInstance::running).singleElement()
                .satisfies(i -> assertThat(i.id()).isNotEqualTo(first.id()));
        assertThat(eventsOf(release)).contains(EventType.INSTANCE_UNHEALTHY, EventType.INSTANCE_DRAINING,
                EventType.INSTANCE_EXITED);
        assertThat(controller.snapshot().backoffs().get(release.id()).restarts()).isEqualTo(1);
    }

    @Test
    void oneProbeForBothIsSentOncePerRound() {
        liveAt("1.0.0", 1);
        probesSent.clear();

        run(Duration.ofSeconds(10));

        assertThat(probesSent).hasSize(5).containsOnly(HealthCheck.DEFAULT_PROBE); // every 2 s
    }

    @Test
    void anInstanceFailingReadinessLosesItsTrafficWithoutARestartAndGetsItBackWhenReady() {
        Release release = deploy("1.0.0", 2, SPLIT);
        run(Duration.ofSeconds(1));
        assertThat(state(release).state()).isEqualTo(ReleaseState.LIVE);
        ObservedInstance busy = scheduler.instances().get(0);
        ObservedInstance other = scheduler.instances().get(1);
        assertThat(routed()).containsExactlyInAnyOrder(busy.id().value(), other.id().value());

        unready.add(busy.id());
        run(Duration.ofSeconds(3));
        assertThat(routed()).as("below the threshold it keeps its traffic").contains(busy.id().value());
        run(Duration.ofSeconds(4)); // the third failed readiness probe, 2 s apart

        assertThat(routed()).containsExactly(other.id().value());
        assertThat(controller.snapshot().instancesOf(release.id())).filteredOn(i -> i.id().equals(busy.id()))
                .singleElement().satisfies(i -> assertThat(i.state()).isEqualTo("not_ready"));
        run(Duration.ofMinutes(1)); // liveness passes all along: kept, and nothing replaces it
        assertThat(scheduler.instances()).extracting(ObservedInstance::id).containsExactly(busy.id(), other.id());
        assertThat(scheduler.instances()).allSatisfy(i -> assertThat(i.running()).isTrue());
        assertThat(routed()).containsExactly(other.id().value());
        assertThat(controller.snapshot().backoffs()).doesNotContainKey(release.id());

        unready.clear();
        run(Duration.ofSeconds(2));

        assertThat(routed()).containsExactlyInAnyOrder(busy.id().value(), other.id().value());
        assertThat(eventsOf(release)).containsSubsequence(EventType.INSTANCE_NOT_READY, EventType.INSTANCE_READY)
                .doesNotContain(EventType.INSTANCE_UNHEALTHY, EventType.INSTANCE_DRAINING, EventType.INSTANCE_EXITED);
    }

    @Test
    void aDeployWaitsForReadinessWhileItsInstancesAreAlive() {
        Release live = liveAt("1.0.0", 1);
        Release next = deploy("2.0.0", 1, SPLIT);
        controller.step();
        ObservedInstance starting = scheduler.instances().stream().filter(i -> i.release().equals(next.id())).findFirst()
                .orElseThrow();
        unready.add(starting.id());

        run(Duration.ofSeconds(30));

        assertThat(state(next).state()).isEqualTo(ReleaseState.DEPLOYING);
        assertThat(controller.snapshot().instancesOf(next.id())).singleElement()
                .satisfies(i -> assertThat(i.state()).isEqualTo("not_ready"));
        assertThat(routed()).doesNotContain(starting.id().value());
        assertThat(running(live)).isEqualTo(1);

        unready.clear();
        run(Duration.ofSeconds(3));

        assertThat(state(next).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(routed()).containsExactly(starting.id().value());
    }

    @Test
    void withinTheRollbackWindowARollbackSwitchesBackToTheWarmRelease() {
        Release v1 = liveAt("1.0.0", 2);
        Release v2 = liveAt("2.0.0", 2);
        assertThat(state(v1).state()).isEqualTo(ReleaseState.PREVIOUS);
        assertThat(running(v1)).isEqualTo(2);

        RollbackResult result = controller.rollback(PRODUCTION, WEB);

        assertThat(result.kind()).isEqualTo("switch");
        assertThat(state(v1).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(state(v2).state()).isEqualTo(ReleaseState.PREVIOUS);
        assertThat(eventsOf(v1)).contains(EventType.ROLLED_BACK);
        assertThat(eventsOf(v2)).as("the release rolled back from, on its own timeline").endsWith(EventType.RELEASE_REPLACED);
    }

    @Test
    void afterTheRollbackWindowARollbackDeploysThePreviousVersionAgain() {
        Release v1 = liveAt("1.0.0", 2);
        liveAt("2.0.0", 2);
        run(ROLLBACK_WINDOW.plusSeconds(1));
        assertThat(state(v1).state()).isEqualTo(ReleaseState.REPLACED);
        assertThat(running(v1)).isZero();

        RollbackResult result = controller.rollback(PRODUCTION, WEB);
        run(Duration.ofSeconds(1));

        assertThat(result.kind()).isEqualTo("deploy");
        assertThat(result.release().id()).isNotEqualTo(v1.id());
        assertThat(result.release().version()).isEqualTo(Version.of("1.0.0"));
        assertThat(state(result.release()).state()).isEqualTo(ReleaseState.LIVE);
    }

    @Test
    void aTestbedRunsBesideTheLiveReleaseAndIsPromotedBlueGreen() {
        Release live = liveAt("1.0.0", 2);
        Release testbed = controller.deploy(new Deploy(ArtifactRef.parse("web-service:2.0.0"), 1, PRODUCTION,
                HealthCheck.DEFAULT, 128, Duration.ofSeconds(60), true, List.of(), Map.of(), List.of(), List.of())).release();
        run(Duration.ofSeconds(1));
        assertThat(state(testbed).state()).isEqualTo(ReleaseState.TESTBED);
        assertThat(eventsOf(testbed)).contains(EventType.DEPLOY_SUCCEEDED);

        DeployResult promoted = controller.promoteTestbed(PRODUCTION, WEB, Optional.empty());
        run(Duration.ofSeconds(1));

        assertThat(promoted.release().id()).isEqualTo(testbed.id());
        assertThat(state(testbed).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(running(testbed)).isEqualTo(2); // the live release's count
        assertThat(state(live).state()).isEqualTo(ReleaseState.PREVIOUS);
        assertThat(eventsOf(live)).containsOnlyOnce(EventType.RELEASE_REPLACED);
    }

    @Test
    void aTestbedReplacedByANewerOneSaysSoOnItsOwnTimeline() {
        liveAt("1.0.0", 1);
        Release first = controller.deploy(new Deploy(ArtifactRef.parse("web-service:2.0.0"), 1, PRODUCTION,
                HealthCheck.DEFAULT, 128, Duration.ofSeconds(60), true, List.of(), Map.of(), List.of(), List.of())).release();
        Release second = controller.deploy(new Deploy(ArtifactRef.parse("web-service:3.0.0"), 1, PRODUCTION,
                HealthCheck.DEFAULT, 128, Duration.ofSeconds(60), true, List.of(), Map.of(), List.of(), List.of())).release();

        assertThat(state(first).state()).isEqualTo(ReleaseState.REPLACED);
        assertThat(state(first).reason()).isEqualTo("replaced by a newer testbed, " + second.id() + " (3.0.0)");
        assertThat(eventsOf(first)).containsExactly(EventType.DEPLOY_STARTED, EventType.RELEASE_REPLACED);
    }

    @Test
    void aDiscardedTestbedIsStoppedAndTheLiveReleaseUntouched() {
        Release live = liveAt("1.0.0", 2);
        Release testbed = controller.deploy(new Deploy(ArtifactRef.parse("web-service:3.0.0"), 1, PRODUCTION,
                HealthCheck.DEFAULT, 128, Duration.ofSeconds(60), true, List.of(), Map.of(), List.of(), List.of())).release();
        run(Duration.ofSeconds(1));

        controller.discardTestbed(PRODUCTION, WEB);
        run(Duration.ofSeconds(1));

        assertThat(state(testbed).state()).isEqualTo(ReleaseState.REPLACED);
        assertThat(running(testbed)).isZero();
        assertThat(state(live).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(running(live)).isEqualTo(2);
    }

    @Test
    void aReleaseRunsWithTheStoredConfigurationTheDeploysOwnVariablesAndItsSecrets() {
        VariableName url = VariableName.of("DATABASE_URL");
        controller.configure(PRODUCTION, WEB, Map.of(url, "jdbc:stored", VariableName.of("MODE"), "slow"), Set.of());
        controller.setSecret(PRODUCTION, WEB, VariableName.of("DB_PASSWORD"), "hunter2");

        Release release = deploy(new Deploy(ArtifactRef.parse("web-service:1.0.0"), 1, PRODUCTION, HealthCheck.DEFAULT, 128,
                Duration.ofSeconds(60), false, List.of(), Map.of(VariableName.of("MODE"), "fast", VariableName.of("SERVER_PORT"),
                "${PORT}"), List.of("--port=${PORT}"), List.of("-Xss1m")));
        run(Duration.ofSeconds(1));

        ObservedInstance instance = scheduler.instances().get(0);
        String port = Integer.toString(instance.address().orElseThrow().port());
        assertThat(scheduler.variablesOf(instance.id())).containsEntry("DATABASE_URL", "jdbc:stored")
                .containsEntry("MODE", "fast").containsEntry("SERVER_PORT", port).containsEntry("DB_PASSWORD", "hunter2");
        assertThat(scheduler.argumentsOf(instance.id())).containsExactly("--port=" + port);
        assertThat(state(release).settings().secrets()).containsEntry(VariableName.of("DB_PASSWORD"), 1);
        assertThat(store.eventsAfter(0, 10_000)).extracting(Event::message).noneMatch(m -> m.contains("hunter2"))
                .anyMatch(m -> m.contains("secret DB_PASSWORD of web-service in production set (v1)"));
    }

    @Test
    void theLiveVersionWithOtherSettingsIsANewReleaseBlueGreenNotAScale() {
        Release first = liveAt("1.0.0", 2);

        Release again = deploy(new Deploy(ArtifactRef.parse("web-service:1.0.0"), 2, PRODUCTION, HealthCheck.DEFAULT, 128,
                Duration.ofSeconds(60), false, List.of(), Map.of(VariableName.of("MODE"), "fast"), List.of(), List.of()));
        run(Duration.ofSeconds(1));

        assertThat(again.id()).isNotEqualTo(first.id());
        assertThat(state(again).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(state(first).state()).isEqualTo(ReleaseState.PREVIOUS);
        assertThat(controller.deploy(new Deploy(ArtifactRef.parse("web-service:1.0.0"), 3, PRODUCTION, HealthCheck.DEFAULT, 128,
                Duration.ofSeconds(60), false, List.of(), Map.of(VariableName.of("MODE"), "fast"), List.of(), List.of())).kind())
                .isEqualTo("scale");
    }

    @Test
    void theLiveVersionWithOtherHealthChecksIsANewReleaseBlueGreen() {
        Release first = liveAt("1.0.0", 2);

        Release again = deploy("1.0.0", 2, SPLIT);
        run(Duration.ofSeconds(1));

        assertThat(again.id()).isNotEqualTo(first.id());
        assertThat(state(again).state()).isEqualTo(ReleaseState.LIVE);
        assertThat(state(again).health()).isEqualTo(SPLIT);
        assertThat(controller.deploy(new Deploy(ArtifactRef.parse("web-service:1.0.0"), 2, PRODUCTION, SPLIT, 128,
                Duration.ofSeconds(60), false, List.of(), Map.of(), List.of(), List.of())).kind()).isEqualTo("unchanged");
    }

    @Test
    void restartRollsTheLiveReleaseOntoTheCurrentConfigurationKeepingWhatTheDeployGave() {
        Release first = deploy(new Deploy(ArtifactRef.parse("web-service:1.0.0"), 2, PRODUCTION, HealthCheck.DEFAULT, 128,
                Duration.ofSeconds(60), false, List.of(), Map.of(VariableName.of("SERVER_PORT"), "${PORT}"), List.of("--x"),
                List.of()));
        run(Duration.ofSeconds(1));
        controller.configure(PRODUCTION, WEB, Map.of(VariableName.of("MODE"), "fast"), Set.of());

        DeployResult restarted = controller.restart(PRODUCTION, WEB);
        run(Duration.ofSeconds(1));

        Release now = state(restarted.release());
        assertThat(now.state()).isEqualTo(ReleaseState.LIVE);
        assertThat(now.version()).isEqualTo(first.version());
        assertThat(now.instances()).isEqualTo(2);
        assertThat(now.settings().variables()).containsEntry(VariableName.of("MODE"), "fast")
                .containsEntry(VariableName.of("SERVER_PORT"), "${PORT}");
        assertThat(now.settings().arguments()).containsExactly("--x");
        assertThat(state(first).state()).isEqualTo(ReleaseState.PREVIOUS);
        assertThat(eventsOf(now)).first().isEqualTo(EventType.DEPLOY_STARTED);
    }

    @Test
    void aReleaseWhoseSecretIsGoneCannotStartAndSaysWhy() throws IOException {
        controller.setSecret(PRODUCTION, WEB, VariableName.of("DB_PASSWORD"), "hunter2");
        Files.write(artifactsDir.resolve("secret.key"), new byte[32], java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        controller = controllerOn(scheduler); // a control plane with another key opens nothing sealed with the old one

        Release release = deploy("1.0.0", 1);
        controller.step();

        assertThat(running(release)).isZero();
        assertThat(controller.snapshot().lastFailures().get(release.id())).contains("DB_PASSWORD")
                .contains("apollo secret set").doesNotContain("hunter2");
    }

    @Test
    void aRestartedControllerTakesUpWhereTheLastAnnouncementsLeftOffAndAnnouncesNothingTwice() {
        Release release = liveAt("1.0.0", 3);
        assertThat(eventsOf(release)).filteredOn(t -> t == EventType.INSTANCE_HEALTHY).hasSize(3);
        controller.close();
        scheduler = scheduler.reopened();

        controller = controllerOn(scheduler);
        controller.step();
        assertThat(controller.snapshot().instancesOf(release.id())).as("healthy from the first look, before any probe")
                .hasSize(3).allSatisfy(i -> assertThat(i.state()).isEqualTo("healthy"));
        run(Duration.ofSeconds(5));

        assertThat(eventsOf(release)).filteredOn(t -> t == EventType.INSTANCE_HEALTHY).hasSize(3);
    }

    /**
     * Found by DeployCrashIT: a control plane killed after it replaced a release but before it stopped that release's
     * instances. The next one adopts them to stop them, and must not announce them healthy a second time on the way.
     */
    @Test
    void aRestartedControllerAnnouncesNothingTwiceOfTheInstancesOfAReleaseThatEndedBeforeTheCrash() {
        Release release = liveAt("1.0.0", 2);
        controller.close();
        store.commit(List.of(state(release).withState(ReleaseState.REPLACED, clock.instant(), "replaced by 2.0.0")), List.of());
        scheduler = scheduler.reopened();

        controller = controllerOn(scheduler);
        run(Duration.ofSeconds(5));

        assertThat(running(release)).as("the ended release's instances are stopped").isZero();
        assertThat(eventsOf(release)).filteredOn(t -> t == EventType.INSTANCE_HEALTHY).hasSize(2);
        assertThat(eventsOf(release)).filteredOn(t -> t == EventType.INSTANCE_STOPPED).hasSize(2);
    }

    @Test
    void aDeployWhoseDeadlinePassedWhileTheControlPlaneWasDownIsResumedNotFailedOnTheSpot() {
        Release release = deploy("1.0.0", 2);
        controller.step();
        controller.close();
        clock.advance(Duration.ofMinutes(2)); // the outage outlasts the 60 s deadline

        scheduler = scheduler.reopened();
        controller = controllerOn(scheduler);
        controller.step();

        assertThat(state(release).state()).as("no failure before a single check").isEqualTo(ReleaseState.DEPLOYING);
        assertThat(eventsOf(release)).contains(EventType.DEPLOY_RESUMED).doesNotContain(EventType.DEPLOY_FAILED);
        run(Duration.ofSeconds(1));
        assertThat(state(release).state()).isEqualTo(ReleaseState.LIVE);
    }

    @Test
    void aDeployResumedWithTimeLeftKeepsItsDeadlineAndSaysTheControlPlaneWasDown() {
        Release release = deploy("1.0.0", 2);
        controller.step();
        controller.close();
        clock.advance(Duration.ofSeconds(20)); // 40 s of the 60 s deadline left

        scheduler = scheduler.reopened();
        controller = controllerOn(scheduler);
        controller.step();

        assertThat(state(release).deadline()).isEqualTo(release.deadline());
        assertThat(state(release).reason()).contains("the control plane was down during the deploy");
        assertThat(eventsOf(release)).containsOnlyOnce(EventType.DEPLOY_RESUMED);
    }

    @Test
    void aResumedDeployThatStillFailsSaysTheOutageInterruptedIt() {
        sickVersions.add("1.0.0");
        Release release = deploy("1.0.0", 1, new HealthCheck(HealthCheck.DEFAULT_PROBE, HealthCheck.DEFAULT_PROBE,
                Duration.ofSeconds(120), Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
        controller.step();
        controller.close();
        clock.advance(Duration.ofMinutes(2));
        scheduler = scheduler.reopened();
        controller = controllerOn(scheduler);
        controller.step();

        run(Duration.ofSeconds(130));

        assertThat(state(release).state()).isEqualTo(ReleaseState.FAILED);
        assertThat(state(release).reason()).contains("the control plane was down when the deploy's deadline").contains("checked the instances again until");
    }

    @Test
    void anImageOnASchedulerThatRunsJarsIsRefusedBeforeAnythingIsRecorded() {
        artifacts.push(ServiceName.of("orders"), Version.of("1.4"), new ByteArrayInputStream(TestImages.archive("layer")));
        long eventsBefore = store.eventsAfter(0, 10_000).size();

        assertThatThrownBy(() -> controller.deploy(new Deploy(ArtifactRef.parse("orders:1.4"), 1, PRODUCTION,
                HealthCheck.DEFAULT, 128, Duration.ofSeconds(60), false, List.of(), Map.of(), List.of(), List.of())))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("orders:1.4 is a container image, which this control plane's scheduler does not run (it runs"
                        + " an executable jar); start it with --scheduler swarm to run images.");
        assertThat(store.activeReleases()).isEmpty();
        assertThat(store.eventsAfter(0, 10_000)).hasSize((int) eventsBefore);
    }

    @Test
    void anInstanceNothingInTheDesiredStateExplainsIsStopped() {
        ReleaseSpec unknown = ReleaseSpec.plain(new ReleaseId(999), PRODUCTION, WEB, Version.of("0.0.1"), ArtifactKind.JAR,
                URI.create("file:///elsewhere.jar"), 64, Map.of());
        scheduler.ensure(unknown, 1);

        controller.step();

        assertThat(scheduler.instances()).singleElement().satisfies(i -> assertThat(i.running()).isFalse());
    }

    @Test
    void aRestartedControllerAdoptsWhatRunsAndStartsNothingTwice() {
        Release release = liveAt("1.0.0", 3);
        controller.close();
        FakeScheduler reopened = scheduler.reopened();

        controller = controllerOn(reopened);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(200));
            controller.step();
        }

        assertThat(reopened.runningByRelease()).containsExactly(Map.entry(release.id(), 3L));
        assertThat(controller.snapshot().instancesOf(release.id())).hasSize(3)
                .allSatisfy(i -> assertThat(i.state()).isEqualTo("healthy"));
    }
}
