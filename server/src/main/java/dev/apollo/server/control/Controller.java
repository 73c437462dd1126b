package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.deploy.Backoff;
import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.deploy.Member;
import dev.apollo.core.deploy.Reconciler;
import dev.apollo.core.health.Health;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
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
    private List<Release> active = List.of();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private boolean stopping;

    /**
     * @param stopGrace how long an instance has between SIGTERM and SIGKILL
     * @param rpcGateway the address instances get as RPC_INT
     */
    public record Settings(Duration stopGrace, URI rpcGateway) {}

    public Controller(Store store, Scheduler scheduler, ArtifactStore artifacts, EventBus events, Clock clock, Settings settings) {
        this.store = store;
        this.scheduler = scheduler;
        this.artifacts = artifacts;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    public void start() {
        loop.execute(() -> active = store.activeReleases());
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
            Optional<Release> deploying = find(deploy.environment(), service, ReleaseState.DEPLOYING);
            if (deploying.isPresent()) {
                throw new ApolloException.Conflict(deploying.get().describe() + " is still being deployed; wait for it"
                        + " to finish (apollo status " + service + " -e " + deploy.environment() + ") and deploy again.");
            }
            flush();
            long cursor = events.lastId();
            Instant now = clock.instant();
            Optional<Release> live = find(deploy.environment(), service, ReleaseState.LIVE);
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
            Optional<Release> deploying = find(environment, service, ReleaseState.DEPLOYING);
            if (deploying.isPresent()) {
                throw new ApolloException.Conflict("cannot scale " + service + " while " + deploying.get().describe()
                        + " is being deployed; wait for the deploy to finish, then scale.");
            }
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
        reconcile(now);
        pruneExited();
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
            if (release.state() != ReleaseState.DEPLOYING) {
                continue;
            }
            int healthy = countHealthy(release.id());
            Backoff backoff = backoffs.getOrDefault(release.id(), Backoff.none());
            String lastFailure = lastFailures.getOrDefault(release.id(), lastHealthFailure(release.id()));
            switch (DeployEvaluator.evaluate(release, healthy, backoff, lastFailure, now)) {
                case DeployEvaluator.Step.Succeed succeed -> commit(DeployEvaluator.succeed(release,
                        find(release.environment(), release.service(), ReleaseState.LIVE), healthy, now));
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
            instance.stoppedAsUnhealthy = instance.health.health() == Health.UNHEALTHY;
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
