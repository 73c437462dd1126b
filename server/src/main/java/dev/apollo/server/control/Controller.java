package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.deploy.Backoff;
import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.deploy.Member;
import dev.apollo.core.deploy.Reconciler;
import dev.apollo.core.health.Health;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control loop. Every 100 ms it observes the scheduler, turns health-check results into
 * instance states, lets the deploy evaluator and the reconciler decide, and carries out their
 * plans. Everything that changes desired state (deploy, scale, undeploy) runs on the same single
 * thread, so decisions never race each other.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Controller.class.getName());
    private static final Duration TICK = Duration.ofMillis(100);
    private static final int FAILED_INSTANCES_KEPT_PER_RELEASE = 3;
    private static final int FAILURE_LOG_LINES = 20;

    private final Store store;
    private final Scheduler scheduler;
    private final ArtifactStore artifacts;
    private final EventBus events;
    private final RouteFeed routeFeed;
    private final Clock clock;
    private final Settings settings;
    private final HealthProber prober = new HealthProber();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "apollo-controller");
        thread.setDaemon(true);
        return thread;
    });

    private final Map<InstanceId, Tracked> tracked = new LinkedHashMap<>();
    private final Map<ReleaseId, Backoff> backoffs = new HashMap<>();
    private final Map<ReleaseId, String> lastFailures = new HashMap<>();
    private final Map<ReleaseId, List<String>> failureLogs = new HashMap<>();
    private final Map<ReleaseId, URI> resolved = new HashMap<>();
    private final List<Event> pending = new ArrayList<>();
    private final Set<ReleaseId> readyTestbeds = new HashSet<>();
    private Set<InstanceId> routed = Set.of();
    private List<Release> active = List.of();
    private List<Route> routes = List.of();
    private List<External> externals = List.of();
    private List<Environment> environments = List.of();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private boolean stopping;

    /**
     * @param stopGrace how long an instance has between SIGTERM and SIGKILL
     * @param rpcGateway the address instances get as RPC_INT
     * @param drainDelay how long an instance stays out of the route table before it is stopped:
     *     long enough for every gateway to apply the table and for in-flight requests to finish
     * @param rollbackWindow how long a replaced release is kept warm (0: stopped at once)
     * @param deployTimeout the deadline of a deploy started by a testbed promotion or a rollback
     * @param trafficSync tells when the gateway serves a table without a drained instance; a drained
     *     instance is stopped after the drain delay once it does, or at {@link #DRAIN_LIMIT} regardless
     */
    public record Settings(Duration stopGrace, URI rpcGateway, Duration drainDelay, Duration rollbackWindow,
            Duration deployTimeout, TrafficSync trafficSync) {}

    /** A gateway that has not applied the table by then is stuck; the instance must not run forever for it. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    public Controller(Store store, Scheduler scheduler, ArtifactStore artifacts, EventBus events, RouteFeed routeFeed,
            Clock clock, Settings settings) {
        this.store = store;
        this.scheduler = scheduler;
        this.artifacts = artifacts;
        this.events = events;
        this.routeFeed = routeFeed;
        this.clock = clock;
        this.settings = settings;
    }

    public void start() {
        loop.execute(() -> {
            active = store.activeReleases();
            routes = store.routes();
            externals = store.externals();
            environments = store.environments();
            // Testbeds from before a restart already announced themselves; they must not fail on the old deadline.
            active.stream().filter(r -> r.state() == ReleaseState.TESTBED).forEach(r -> readyTestbeds.add(r.id()));
        });
        loop.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last observed state; cheap, lock-free, for API reads. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Runs a command on the controller thread and waits for its result. */
    public <T> T call(Callable<T> command) {
        Future<T> future = loop.submit(command);
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IllegalStateException("the controller did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the controller", e);
        }
    }

    // ---- commands (controller thread) ----

    public DeployResult deploy(Deploy deploy) {
        return call(() -> {
            ServiceName service = deploy.artifact().name();
            requireEnvironment(deploy.environment());
            requireNotExternal(deploy.environment(), service);
            Optional<Release> deploying = find(deploy.environment(), service, ReleaseState.DEPLOYING);
            if (deploying.isPresent()) {
                throw new ApolloException.Conflict(deploying.get().describe() + " is still being deployed; wait for it"
                        + " to finish (apollo status " + service + " -e " + deploy.environment() + ") and deploy again.");
            }
            flush();
            long cursor = events.lastId();
            Instant now = clock.instant();
            Optional<Release> live = find(deploy.environment(), service, ReleaseState.LIVE);
            for (RoutePath path : deploy.paths()) {
                putRoute(new Route(deploy.environment(), path, service, now));
            }
            if (deploy.testbed()) {
                return new DeployResult("deploy", startTestbed(deploy, live, now), cursor);
            }
            if (live.isPresent() && live.get().artifact().equals(deploy.artifact())) {
                if (live.get().instances() == deploy.instances()) {
                    return new DeployResult("unchanged", live.get(), cursor);
                }
                return new DeployResult("scale", resize(live.get(), deploy.instances(), now), cursor);
            }
            Release release = new Release(store.nextReleaseId(), deploy.environment(), service, deploy.artifact(),
                    deploy.instances(), deploy.health(), deploy.memoryMb(), ReleaseState.DEPLOYING, now,
                    now.plus(deploy.deadline()), now, "");
            String beside = live.map(l -> " beside live " + l.id() + " (" + l.version() + ")").orElse("");
            commit(List.of(release), List.of(Event.of(now, EventType.DEPLOY_STARTED, release,
                    "deploying " + release.describe() + ": " + release.instances() + " instances" + beside, 0, 0)));
            return new DeployResult("deploy", release, cursor);
        });
    }

    public Release scale(EnvironmentName environment, ServiceName service, int instances) {
        return call(() -> {
            requireEnvironment(environment);
            requireNoDeploy(environment, service, "scale");
            Release live = find(environment, service, ReleaseState.LIVE).orElseThrow(() -> notDeployed(environment, service));
            return live.instances() == instances ? live : resize(live, instances, clock.instant());
        });
    }

    public List<Release> undeploy(EnvironmentName environment, ServiceName service) {
        return call(() -> {
            requireEnvironment(environment);
            Instant now = clock.instant();
            List<Release> stopped = active.stream()
                    .filter(r -> r.environment().equals(environment) && r.service().equals(service))
                    .map(r -> r.withState(ReleaseState.UNDEPLOYED, now, "undeployed on request"))
                    .toList();
            if (stopped.isEmpty()) {
                throw notDeployed(environment, service);
            }
            commit(stopped, stopped.stream()
                    .map(r -> Event.of(now, EventType.UNDEPLOYED, r, r.describe() + " undeployed", -1, -1)).toList());
            return stopped;
        });
    }

    /** Stops reconciling and asks every instance to stop; returns how many were asked. */
    public int stopEverything() {
        return call(() -> {
            stopping = true;
            int asked = 0;
            for (ObservedInstance instance : scheduler.instances()) {
                if (instance.running()) {
                    scheduler.stop(instance.id(), settings.stopGrace());
                    asked++;
                }
            }
            flush();
            return asked;
        });
    }

    /** Waits until the scheduler runs no instance; false if some still run at the deadline. */
    public boolean awaitNoInstances(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (scheduler.instances().stream().noneMatch(ObservedInstance::running)) {
                return true;
            }
            Thread.sleep(50); // polling the scheduler, which has no completion signal to wait on
        }
        return false;
    }

    private Release resize(Release live, int instances, Instant now) {
        Release resized = live.withInstances(instances, now);
        commit(List.of(resized), List.of(Event.of(now, EventType.SCALED, resized,
                resized.describe() + " scaled from " + live.instances() + " to " + instances + " instances",
                countServing(live.id()), countHealthy(live.id()))));
        return resized;
    }

    private void requireEnvironment(EnvironmentName environment) {
        if (store.environment(environment).isEmpty()) {
            List<String> known = store.environments().stream().map(e -> e.name().value()).sorted().toList();
            throw new ApolloException.NotFound("environment '" + environment + "' does not exist (known: "
                    + String.join(", ", known) + "). Create it with: apollo env create " + environment);
        }
    }

    private static ApolloException notDeployed(EnvironmentName environment, ServiceName service) {
        return new ApolloException.NotFound("service " + service + " has no live release in " + environment
                + "; deploy it first: apollo artifact-deploy " + service + ":VERSION -e " + environment);
    }

    private Optional<Release> find(EnvironmentName environment, ServiceName service, ReleaseState state) {
        return active.stream()
                .filter(r -> r.environment().equals(environment) && r.service().equals(service) && r.state() == state)
                .findFirst();
    }

    // ---- the loop ----

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control loop iteration failed; retrying", e);
        }
    }

    private void tick() {
        if (stopping) {
            return;
        }
        Instant now = clock.instant();
        observe(now);
        probeDue(now);
        evaluateDeploys(now);
        retireExpiredPrevious(now);
        reconcile(now);
        stopDrained(now);
        pruneExited();
        publishRoutes();
        flush();
        snapshot = new Snapshot(List.copyOf(active), tracked.values().stream().map(Tracked::status).toList(),
                Map.copyOf(backoffs), Map.copyOf(lastFailures));
    }

    private void observe(Instant now) {
        Set<InstanceId> seen = new HashSet<>();
        for (ObservedInstance observed : scheduler.instances()) {
            seen.add(observed.id());
            Tracked instance = tracked.get(observed.id());
            if (instance == null) {
                Optional<Release> release = store.release(observed.release());
                if (release.isEmpty()) {
                    // Nothing in the desired state explains this instance: never leave it orphaned.
                    if (observed.running()) {
                        scheduler.stop(observed.id(), settings.stopGrace());
                    } else {
                        scheduler.forget(observed.id());
                    }
                    continue;
                }
                instance = new Tracked(release.get(), observed);
                tracked.put(observed.id(), instance);
            }
            instance.observed = observed;
            if (!observed.running() && !instance.exitNoted) {
                noteExit(instance, now);
            }
        }
        tracked.keySet().retainAll(seen);
    }

    private void noteExit(Tracked instance, Instant now) {
        instance.exitNoted = true;
        ObservedInstance observed = instance.observed;
        ReleaseId release = instance.release.id();
        String how = observed.exit().map(ObservedInstance.Exit::reason).orElse("exited");
        boolean failure = !observed.stopRequested() || instance.stoppedAsUnhealthy;
        if (!failure) {
            emit(instance, EventType.INSTANCE_STOPPED, "instance " + observed.id() + " stopped");
            return;
        }
        String cause = instance.stoppedAsUnhealthy ? "failed its health check (" + instance.health.lastFailure() + ")" : how;
        Backoff backoff = backoffs.getOrDefault(release, Backoff.none()).afterFailure(now);
        backoffs.put(release, backoff);
        lastFailures.put(release, "instance " + observed.id() + " " + cause);
        failureLogs.put(release, scheduler.tailLog(observed.id(), FAILURE_LOG_LINES));
        emit(instance, EventType.INSTANCE_EXITED, "instance " + observed.id() + " " + cause);
        if (isActive(release)) {
            long wait = Math.max(0, Duration.between(now, backoff.notBefore()).toMillis());
            emit(instance, EventType.BACKING_OFF, "failure " + backoff.streak() + " in a row; next start of "
                    + instance.release.service() + " in " + wait / 1000.0 + " s");
        }
    }

    private void probeDue(Instant now) {
        for (Tracked instance : tracked.values()) {
            if (!instance.serving() || instance.probing || instance.observed.address().isEmpty()
                    || now.isBefore(instance.nextProbe)) {
                continue;
            }
            instance.probing = true;
            InstanceId id = instance.observed.id();
            prober.probe(instance.observed.address().get(), instance.release.health())
                    .thenAccept(result -> loop.execute(() -> onProbe(id, result)));
        }
    }

    private void onProbe(InstanceId id, HealthProber.Result result) {
        Tracked instance = tracked.get(id);
        if (instance == null) {
            return;
        }
        instance.probing = false;
        if (!instance.serving()) {
            return;
        }
        Instant now = clock.instant();
        Health before = instance.health.health();
        instance.health = result.healthy()
                ? instance.health.afterSuccess()
                : instance.health.afterFailure(result.detail(), now, instance.observed.startedAt(), instance.release.health());
        instance.nextProbe = instance.health.nextProbe(now, instance.release.health());
        Health after = instance.health.health();
        if (before == after) {
            return;
        }
        if (after == Health.HEALTHY) {
            backoffs.computeIfPresent(instance.release.id(), (release, backoff) -> backoff.afterHealthy());
            emit(instance, EventType.INSTANCE_HEALTHY, "instance " + id + " is healthy");
        } else if (after == Health.UNHEALTHY) {
            emit(instance, EventType.INSTANCE_UNHEALTHY, "instance " + id + " is unhealthy: " + result.detail());
        }
    }

    private void evaluateDeploys(Instant now) {
        for (Release release : List.copyOf(active)) {
            if (release.state() == ReleaseState.TESTBED && !readyTestbeds.contains(release.id())) {
                evaluateTestbed(release, now);
            }
            if (release.state() != ReleaseState.DEPLOYING) {
                continue;
            }
            int healthy = countHealthy(release.id());
            Backoff backoff = backoffs.getOrDefault(release.id(), Backoff.none());
            String lastFailure = lastFailures.getOrDefault(release.id(), lastHealthFailure(release.id()));
            switch (DeployEvaluator.evaluate(release, healthy, backoff, lastFailure, now)) {
                case DeployEvaluator.Step.Succeed succeed -> {
                    commit(DeployEvaluator.succeed(release,
                            find(release.environment(), release.service(), ReleaseState.LIVE),
                            find(release.environment(), release.service(), ReleaseState.PREVIOUS),
                            settings.rollbackWindow().isPositive(), healthy, now));
                    publishRoutes(); // the switch reaches the gateways now, not at the next tick
                }
                case DeployEvaluator.Step.Fail fail -> commit(DeployEvaluator.fail(release, fail.reason(),
                        failureLogs.getOrDefault(release.id(), List.of()), countServing(release.id()), healthy, now));
                case DeployEvaluator.Step.Wait wait -> { }
            }
        }
    }

    /** Why instances of a release are not healthy yet, when none of them has exited. */
    private String lastHealthFailure(ReleaseId release) {
        return tracked.values().stream()
                .filter(t -> t.release.id().equals(release) && t.serving() && t.failure().isPresent())
                .map(t -> "instance " + t.observed.id() + ": " + t.health.lastFailure())
                .reduce((first, second) -> second)
                .orElse("");
    }

    private void reconcile(Instant now) {
        List<Member> members = tracked.values().stream()
                .filter(Tracked::serving)
                .map(t -> new Member(t.observed.id(), t.release.id(), t.health.health(), t.observed.startedAt(),
                        t.health.lastFailure()))
                .toList();
        Reconciler.Plan plan = Reconciler.plan(active, members, backoffs, now);
        for (Reconciler.Stop stop : plan.stops()) {
            Tracked instance = tracked.get(stop.id());
            // Decided now, before draining: an unhealthy instance's exit is a failure (it counts as a restart).
            instance.stoppedAsUnhealthy = instance.health.health() == Health.UNHEALTHY;
            if (routed.contains(stop.id())) {
                // Out of the route table first; stopped once every gateway has moved on (stopDrained).
                instance.drainingSince = now;
                emit(instance, EventType.INSTANCE_DRAINING, "instance " + stop.id() + " draining: " + stop.reason());
                continue;
            }
            scheduler.stop(stop.id(), settings.stopGrace());
        }
        for (Reconciler.Launch launch : plan.launches()) {
            for (int i = 0; i < launch.count(); i++) {
                if (!launchOne(launch.release(), now)) {
                    break;
                }
            }
        }
    }

    private boolean launchOne(Release release, Instant now) {
        URI artifact;
        try {
            artifact = resolved.computeIfAbsent(release.id(), id -> artifacts.resolve(release.artifact()).location());
        } catch (ApolloException e) {
            backoffs.put(release.id(), backoffs.getOrDefault(release.id(), Backoff.none()).afterFailure(now));
            lastFailures.put(release.id(), "cannot start " + release.artifact().coordinates() + ": " + e.getMessage());
            return false;
        }
        InstanceId id = InstanceId.newFor(release.service());
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("APOLLO_ENV", release.environment().value());
        environment.put("APOLLO_SERVICE", release.service().value());
        environment.put("APOLLO_VERSION", release.version().value());
        environment.put("APOLLO_INSTANCE_ID", id.value());
        environment.put("RPC_INT", RpcAddress.forEnvironment(settings.rpcGateway(), release.environment()));
        scheduler.launch(new dev.apollo.core.port.InstanceSpec(id, release.id(), release.environment(), release.service(),
                release.version(), artifact, release.memoryMb(), environment));
        ObservedInstance launched = scheduler.instances().stream().filter(i -> i.id().equals(id)).findFirst()
                .orElse(new ObservedInstance(id, release.id(), Optional.empty(), now, false, Optional.empty()));
        Tracked instance = new Tracked(release, launched);
        tracked.put(id, instance);
        emit(instance, EventType.INSTANCE_STARTED, "instance " + id + " started"
                + launched.address().map(a -> " on " + a).orElse(""));
        return true;
    }

    private void stopDrained(Instant now) {
        for (Tracked instance : tracked.values()) {
            if (instance.drainingSince != null && instance.running() && !instance.observed.stopRequested()
                    && !now.isBefore(instance.drainingSince.plus(settings.drainDelay()))
                    && (settings.trafficSync().servesTableOf(instance.drainingSince)
                            || !now.isBefore(instance.drainingSince.plus(DRAIN_LIMIT)))) {
                scheduler.stop(instance.observed.id(), settings.stopGrace());
            }
        }
    }

    /** A replaced release is kept warm for the rollback window, then retired (its instances drain and stop). */
    private void retireExpiredPrevious(Instant now) {
        List<Release> expired = active.stream()
                .filter(r -> r.state() == ReleaseState.PREVIOUS && !now.isBefore(r.updatedAt().plus(settings.rollbackWindow())))
                .map(r -> r.withState(ReleaseState.REPLACED, now, r.reason() + "; rollback window of "
                        + settings.rollbackWindow().toSeconds() + "s ended"))
                .toList();
        if (!expired.isEmpty()) {
            commit(expired, List.of());
        }
    }

    private void publishRoutes() {
        Set<ReleaseId> routable = active.stream()
                .filter(r -> r.state() == ReleaseState.LIVE || r.state() == ReleaseState.TESTBED)
                .map(Release::id)
                .collect(java.util.stream.Collectors.toSet());
        List<RouteTables.Routable> instances = tracked.values().stream()
                .filter(t -> t.healthy() && routable.contains(t.release.id()) && t.observed.address().isPresent())
                .map(t -> new RouteTables.Routable(t.release.id(), t.observed.id().value(), t.observed.address().get().toString()))
                .toList();
        routeFeed.offer(RouteTables.build(environments, routes, externals, active, instances));
        routed = instances.stream().map(r -> new InstanceId(r.instance())).collect(java.util.stream.Collectors.toSet());
    }

    private void evaluateTestbed(Release testbed, Instant now) {
        int healthy = countHealthy(testbed.id());
        if (healthy >= testbed.instances()) {
            readyTestbeds.add(testbed.id());
            emitNow(Event.of(now, EventType.DEPLOY_SUCCEEDED, testbed, "testbed " + testbed.describe() + " is ready with "
                    + healthy + " healthy instances; reach it with the header X-Apollo-Testbed: " + testbed.service(),
                    healthy, healthy));
            return;
        }
        Backoff backoff = backoffs.getOrDefault(testbed.id(), Backoff.none());
        String lastFailure = lastFailures.getOrDefault(testbed.id(), lastHealthFailure(testbed.id()));
        if (DeployEvaluator.evaluate(testbed, healthy, backoff, lastFailure, now) instanceof DeployEvaluator.Step.Fail fail) {
            commit(DeployEvaluator.fail(testbed, fail.reason(), failureLogs.getOrDefault(testbed.id(), List.of()),
                    countServing(testbed.id()), healthy, now));
        }
    }

    private Release startTestbed(Deploy deploy, Optional<Release> live, Instant now) {
        ServiceName service = deploy.artifact().name();
        if (live.isEmpty()) {
            throw new ApolloException.Conflict("a testbed runs beside a live release, and " + service + " has none in "
                    + deploy.environment() + "; deploy it first: apollo artifact-deploy " + service + ":VERSION");
        }
        List<Release> releases = new ArrayList<>();
        find(deploy.environment(), service, ReleaseState.TESTBED).ifPresent(old ->
                releases.add(old.withState(ReleaseState.REPLACED, now, "replaced by a newer testbed")));
        Release testbed = new Release(store.nextReleaseId(), deploy.environment(), service, deploy.artifact(),
                deploy.instances(), deploy.health(), deploy.memoryMb(), ReleaseState.TESTBED, now, now.plus(deploy.deadline()),
                now, "");
        releases.add(testbed);
        commit(releases, List.of(Event.of(now, EventType.DEPLOY_STARTED, testbed, "deploying testbed " + testbed.describe()
                + " beside live " + live.get().id() + " (" + live.get().version() + "): " + testbed.instances() + " instances",
                0, 0)));
        return testbed;
    }

    /**
     * Puts the previous release back. Within the rollback window it is still running, so this is one
     * transaction and a route switch, published before the call returns; after it, a blue/green
     * deploy of the previous version.
     */
    public RollbackResult rollback(EnvironmentName environment, ServiceName service) {
        return call(() -> {
            requireEnvironment(environment);
            requireNoDeploy(environment, service, "roll back");
            Release live = find(environment, service, ReleaseState.LIVE).orElseThrow(() -> notDeployed(environment, service));
            flush();
            long cursor = events.lastId();
            Instant now = clock.instant();
            Optional<Release> warm = find(environment, service, ReleaseState.PREVIOUS).filter(p -> countHealthy(p.id()) > 0);
            if (warm.isPresent()) {
                Release back = warm.get().withState(ReleaseState.LIVE, now, "");
                Release out = live.withState(ReleaseState.PREVIOUS, now, "rolled back to " + back.id() + " (" + back.version() + ")");
                commit(List.of(back, out), List.of(Event.of(now, EventType.ROLLED_BACK, back,
                        "rolled back " + service + " in " + environment + " from " + live.id() + " (" + live.version() + ") to "
                                + back.id() + " (" + back.version() + ")", countServing(back.id()), countHealthy(back.id()))));
                publishRoutes();
                return new RollbackResult("switch", back, cursor);
            }
            Release previous = store.history(environment, service).stream()
                    .filter(r -> r.id().compareTo(live.id()) < 0 && !r.version().equals(live.version())
                            && (r.state() == ReleaseState.REPLACED || r.state() == ReleaseState.PREVIOUS))
                    .findFirst()
                    .orElseThrow(() -> new ApolloException.NotFound(service + " in " + environment
                            + " has no earlier release to roll back to (see: apollo history " + service + ")."));
            Release redeploy = new Release(store.nextReleaseId(), environment, service, previous.artifact(), live.instances(),
                    previous.health(), previous.memoryMb(), ReleaseState.DEPLOYING, now, now.plus(settings.deployTimeout()), now,
                    "");
            commit(List.of(redeploy), List.of(Event.of(now, EventType.DEPLOY_STARTED, redeploy, "rolling back: deploying "
                    + redeploy.describe() + " beside live " + live.id() + " (" + live.version() + "); the previous release is"
                    + " no longer warm", 0, 0)));
            return new RollbackResult("deploy", redeploy, cursor);
        });
    }

    /** Upgrades the live release to the testbed's version, blue/green, keeping the testbed's instances. */
    public DeployResult promoteTestbed(EnvironmentName environment, ServiceName service, Optional<Integer> instances) {
        return call(() -> {
            requireEnvironment(environment);
            requireNoDeploy(environment, service, "promote the testbed of");
            Release testbed = find(environment, service, ReleaseState.TESTBED).orElseThrow(() -> noTestbed(environment, service));
            int count = instances.orElseGet(() -> find(environment, service, ReleaseState.LIVE).map(Release::instances)
                    .orElse(testbed.instances()));
            flush();
            long cursor = events.lastId();
            Instant now = clock.instant();
            Release promoted = new Release(testbed.id(), environment, service, testbed.artifact(), count, testbed.health(),
                    testbed.memoryMb(), ReleaseState.DEPLOYING, testbed.createdAt(), now.plus(settings.deployTimeout()), now, "");
            commit(List.of(promoted), List.of(Event.of(now, EventType.DEPLOY_STARTED, promoted, "promoting testbed "
                    + promoted.describe() + " to live: " + count + " instances", countServing(promoted.id()),
                    countHealthy(promoted.id()))));
            return new DeployResult("deploy", promoted, cursor);
        });
    }

    public Release discardTestbed(EnvironmentName environment, ServiceName service) {
        return call(() -> {
            requireEnvironment(environment);
            Release testbed = find(environment, service, ReleaseState.TESTBED).orElseThrow(() -> noTestbed(environment, service));
            Instant now = clock.instant();
            Release discarded = testbed.withState(ReleaseState.REPLACED, now, "testbed discarded on request");
            commit(List.of(discarded), List.of(Event.of(now, EventType.TESTBED_DISCARDED, discarded,
                    "testbed " + discarded.describe() + " discarded", -1, -1)));
            return discarded;
        });
    }

    public Environment createEnvironment(EnvironmentName name, Optional<EnvironmentName> fallback) {
        return call(() -> {
            if (fallback.isPresent() && fallback.get().equals(name)) {
                throw new ApolloException.Invalid("environment " + name + " cannot fall back to itself.");
            }
            Environment environment = new Environment(name, fallback, clock.instant());
            store.createEnvironment(environment); // refuses an existing name and an unknown fallback
            environments = store.environments();
            publishRoutes();
            return environment;
        });
    }

    /** Undeploys every service of the environment (their instances drain and stop), then deletes it. */
    public List<Release> deleteEnvironment(EnvironmentName name) {
        return call(() -> {
            requireEnvironment(name);
            if (name.equals(EnvironmentName.PRODUCTION)) {
                throw new ApolloException.Conflict("environment production cannot be deleted: it always exists.");
            }
            List<EnvironmentName> dependents = environments.stream()
                    .filter(e -> e.fallback().equals(Optional.of(name))).map(Environment::name).toList();
            if (!dependents.isEmpty()) {
                throw new ApolloException.Conflict("environment " + name + " is the fallback of " + dependents
                        + "; delete those first.");
            }
            Instant now = clock.instant();
            List<Release> stopped = active.stream().filter(r -> r.environment().equals(name))
                    .map(r -> r.withState(ReleaseState.UNDEPLOYED, now, "environment " + name + " deleted"))
                    .toList();
            commit(stopped, stopped.stream()
                    .map(r -> Event.of(now, EventType.UNDEPLOYED, r, r.describe() + " undeployed: environment deleted", -1, -1))
                    .toList());
            store.deleteEnvironment(name);
            environments = store.environments();
            routes = store.routes();
            externals = store.externals();
            publishRoutes();
            return stopped;
        });
    }

    public List<External> externals() {
        return call(() -> externals);
    }

    public External addExternal(External external) {
        return call(() -> {
            requireEnvironment(external.environment());
            if (active.stream().anyMatch(r -> r.environment().equals(external.environment())
                    && r.service().equals(external.name()))) {
                throw new ApolloException.Conflict(external.name() + " is a service deployed in " + external.environment()
                        + "; a name cannot be both a service and an external in one environment. Undeploy it first or"
                        + " choose another name.");
            }
            store.putExternal(external);
            externals = store.externals();
            publishRoutes();
            return external;
        });
    }

    public void removeExternal(EnvironmentName environment, ServiceName name) {
        call(() -> {
            requireEnvironment(environment);
            if (!store.removeExternal(environment, name)) {
                throw new ApolloException.NotFound("environment " + environment + " has no external named " + name
                        + " (see: apollo external list -e " + environment + ").");
            }
            externals = store.externals();
            publishRoutes();
            return null;
        });
    }

    private void requireNotExternal(EnvironmentName environment, ServiceName service) {
        if (externals.stream().anyMatch(e -> e.environment().equals(environment) && e.name().equals(service))) {
            throw new ApolloException.Conflict(service + " is an external (3rd-party service) in " + environment
                    + "; a name cannot be both. Remove it first: apollo external remove " + service + " -e " + environment);
        }
    }

    public List<Route> routes() {
        return call(() -> routes);
    }

    public Route addRoute(Route route) {
        return call(() -> {
            requireEnvironment(route.environment());
            putRoute(route);
            return route;
        });
    }

    public void removeRoute(EnvironmentName environment, RoutePath path) {
        call(() -> {
            requireEnvironment(environment);
            if (!store.removeRoute(environment, path)) {
                throw new ApolloException.NotFound("environment " + environment + " has no route for " + path
                        + " (see: apollo route list -e " + environment + ").");
            }
            routes = store.routes();
            emitNow(new Event(0, clock.instant(), EventType.ROUTE_CHANGED, environment, Optional.empty(), Optional.empty(),
                    "route " + path + " removed from " + environment, -1, -1, -1));
            publishRoutes();
            return null;
        });
    }

    private void putRoute(Route route) {
        store.putRoute(route);
        routes = store.routes();
        emitNow(new Event(0, route.createdAt(), EventType.ROUTE_CHANGED, route.environment(), Optional.of(route.service()),
                Optional.empty(), "route " + route.path() + " => " + route.service() + " in " + route.environment(), -1, -1, -1));
        publishRoutes();
    }

    private void requireNoDeploy(EnvironmentName environment, ServiceName service, String action) {
        Optional<Release> deploying = find(environment, service, ReleaseState.DEPLOYING);
        if (deploying.isPresent()) {
            throw new ApolloException.Conflict("cannot " + action + " " + service + " while " + deploying.get().describe()
                    + " is being deployed; wait for the deploy to finish.");
        }
    }

    private static ApolloException noTestbed(EnvironmentName environment, ServiceName service) {
        return new ApolloException.NotFound(service + " has no testbed in " + environment + "; start one with: apollo"
                + " artifact-deploy " + service + ":VERSION -n 1 --testbed -e " + environment);
    }

    private void emitNow(Event event) {
        pending.add(event);
        flush();
    }

    /** Forgets exited instances, keeping the last few failed ones per release for status and logs. */
    private void pruneExited() {
        Map<ReleaseId, List<Tracked>> failedByRelease = new HashMap<>();
        for (Tracked instance : List.copyOf(tracked.values())) {
            if (instance.running() || !instance.exitNoted) {
                continue;
            }
            boolean failure = !instance.observed.stopRequested() || instance.stoppedAsUnhealthy;
            if (failure) {
                failedByRelease.computeIfAbsent(instance.release.id(), r -> new ArrayList<>()).add(instance);
            } else {
                forget(instance);
            }
        }
        for (List<Tracked> failed : failedByRelease.values()) {
            failed.sort(Comparator.comparing((Tracked t) -> t.observed.exit().orElseThrow().at()).reversed());
            failed.stream().skip(FAILED_INSTANCES_KEPT_PER_RELEASE).forEach(this::forget);
        }
    }

    private void forget(Tracked instance) {
        scheduler.forget(instance.observed.id());
        tracked.remove(instance.observed.id());
    }

    // ---- events and state ----

    private void emit(Tracked instance, EventType type, String message) {
        Release release = instance.release;
        pending.add(Event.of(clock.instant(), type, release, message, countServing(release.id()), countHealthy(release.id())));
    }

    private void flush() {
        if (!pending.isEmpty()) {
            events.publish(List.of(), List.copyOf(pending));
            pending.clear();
        }
    }

    private void commit(DeployEvaluator.Outcome outcome) {
        commit(outcome.releases(), outcome.events());
    }

    private void commit(List<Release> releases, List<Event> newEvents) {
        flush();
        events.publish(releases, newEvents);
        active = store.activeReleases();
    }

    private boolean isActive(ReleaseId release) {
        return active.stream().anyMatch(r -> r.id().equals(release));
    }

    private int countServing(ReleaseId release) {
        return (int) tracked.values().stream().filter(t -> t.release.id().equals(release) && t.serving()).count();
    }

    private int countHealthy(ReleaseId release) {
        return (int) tracked.values().stream().filter(t -> t.release.id().equals(release) && t.healthy()).count();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        prober.close();
    }
}
