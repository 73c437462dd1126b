package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.deploy.InstanceVariables;
import dev.apollo.core.deploy.Reconciler;
import dev.apollo.core.health.Health;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.External;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import dev.apollo.server.secrets.SecretVault;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The control loop. Every 100 ms it observes the scheduler, turns health-check results into
 * instance states, lets the deploy evaluator and the reconciler decide, and carries out their
 * plans. Commands (deploy, rollback, environments...) run on the same single thread, so decisions
 * never race each other; their logic lives in {@link ReleaseCommands} and {@link TopologyCommands},
 * the instance book-keeping in {@link Instances}.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Controller.class.getName());
    private static final Duration TICK = Duration.ofMillis(100);

    /** A gateway that has not applied the table by then is stuck; the instance must not run forever for it. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    private final Scheduler scheduler;
    private final ArtifactStore artifacts;
    private final RouteFeed routeFeed;
    private final Clock clock;
    private final Settings settings;
    private final HealthProbe probe;
    private final SecretVault vault;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "apollo-controller");
        thread.setDaemon(true);
        return thread;
    });
    private final DesiredState desired;
    private final Instances instances;
    private final TopologyCommands topology;
    private final ReleaseCommands releases;
    private final DeployProgress deploys;
    private final ConfigurationCommands configuration;
    private final Map<ReleaseId, StoredArtifact> resolved = new HashMap<>();
    private final Set<ReleaseId> retired = new HashSet<>();
    private Set<InstanceId> routed = Set.of();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private boolean stopping;
    private volatile Supplier<Optional<ApolloException.NotLeader>> authority =
            Optional::empty;

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

    public Controller(Store store, Scheduler scheduler, ArtifactStore artifacts, EventBus events, RouteFeed routeFeed,
            HealthProbe probe, SecretVault vault, Clock clock, Settings settings) {
        this.scheduler = scheduler;
        this.artifacts = artifacts;
        this.routeFeed = routeFeed;
        this.probe = probe;
        this.vault = vault;
        this.clock = clock;
        this.settings = settings;
        this.desired = new DesiredState(store, events);
        this.instances = new Instances(scheduler, desired, probe, loop, clock, settings.stopGrace());
        this.topology = new TopologyCommands(desired, this::publishRoutes, clock);
        this.releases = new ReleaseCommands(desired, instances, topology, this::publishRoutes, clock, settings.deployTimeout());
        this.configuration = new ConfigurationCommands(desired, vault, clock);
        this.deploys = new DeployProgress(desired, instances, this::publishRoutes, settings.rollbackWindow());
    }

    /**
     * Makes every tick and command first ask whether this control plane may act: a leader that lost its
     * lease must not launch or stop anything, even in the moment before it notices and steps down.
     *
     * @param authority empty while this control plane may act; otherwise the refusal commands get
     */
    public void actOnlyWhile(Supplier<Optional<ApolloException.NotLeader>> authority) {
        this.authority = authority;
    }

    /** Reads the desired state and starts the loop. */
    public void start() {
        loop.execute(this::load);
        loop.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the desired state without starting the loop: for tests that step it with {@link #step()}. */
    void startStepping() {
        call(() -> {
            load();
            return null;
        });
    }

    /** One iteration of the loop, on the controller thread; for tests that step it. */
    void step() {
        call(() -> {
            tick();
            return null;
        });
    }

    private void load() {
        desired.load();
        deploys.load(clock.instant());
    }

    /** The last observed state; cheap, lock-free, for API reads. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Runs a command on the controller thread and waits for its result. */
    public <T> T call(Callable<T> command) {
        authority.get().ifPresent(refusal -> {
            throw refusal;
        });
        Future<T> future = loop.submit(() -> {
            // Asked again on the loop's thread: the lease may have run out while the command waited its turn.
            authority.get().ifPresent(refusal -> {
                throw refusal;
            });
            return command.call();
        });
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

    // ---- commands

    public DeployResult deploy(Deploy deploy) {
        // Resolved here, outside the loop: a Maven artifact is fetched without holding up the control loop.
        requireRunnable(artifacts.resolve(deploy.artifact()));
        return call(() -> releases.deploy(deploy));
    }

    /** Refuses an artifact the scheduler cannot run before anything is recorded, rather than at every start. */
    private void requireRunnable(ArtifactStore.StoredArtifact artifact) {
        if (!scheduler.runs().contains(artifact.kind())) {
            throw new ApolloException.Invalid(artifact.name() + ":" + artifact.version() + " is "
                    + artifact.kind().description() + ", which this control plane's scheduler does not run (it runs "
                    + ArtifactKind.describe(scheduler.runs())
                    + (artifact.kind() == ArtifactKind.IMAGE ? "); start it with --scheduler swarm to run images." : ")."));
        }
    }

    public Release scale(EnvironmentName environment, ServiceName service, int count) {
        return call(() -> releases.scale(environment, service, count));
    }

    public List<Release> undeploy(EnvironmentName environment, ServiceName service) {
        return call(() -> releases.undeploy(environment, service));
    }

    public RollbackResult rollback(EnvironmentName environment, ServiceName service) {
        return call(() -> releases.rollback(environment, service));
    }

    public DeployResult promoteTestbed(EnvironmentName environment, ServiceName service, Optional<Integer> count) {
        return call(() -> releases.promoteTestbed(environment, service, count));
    }

    public DeployResult restart(EnvironmentName environment, ServiceName service) {
        return call(() -> releases.restart(environment, service));
    }

    public ServiceConfiguration configuration(EnvironmentName environment, ServiceName service) {
        return call(() -> configuration.of(environment, service));
    }

    public ServiceConfiguration configure(EnvironmentName environment, ServiceName service, Map<VariableName, String> set,
            Set<VariableName> unset) {
        return call(() -> {
            configuration.change(environment, service, set, unset);
            return configuration.of(environment, service);
        });
    }

    public SecretInfo setSecret(EnvironmentName environment, ServiceName service, VariableName name, String value) {
        return call(() -> configuration.setSecret(environment, service, name, value));
    }

    public void removeSecret(EnvironmentName environment, ServiceName service, VariableName name) {
        call(() -> {
            configuration.removeSecret(environment, service, name);
            return null;
        });
    }

    public Release discardTestbed(EnvironmentName environment, ServiceName service) {
        return call(() -> releases.discardTestbed(environment, service));
    }

    public Environment createEnvironment(EnvironmentName name, Optional<EnvironmentName> fallback) {
        return call(() -> topology.createEnvironment(name, fallback));
    }

    public List<Release> deleteEnvironment(EnvironmentName name) {
        return call(() -> topology.deleteEnvironment(name));
    }

    public List<External> externals() {
        return call(desired::externals);
    }

    public External addExternal(External external) {
        return call(() -> topology.addExternal(external));
    }

    public void removeExternal(EnvironmentName environment, ServiceName name) {
        call(() -> {
            topology.removeExternal(environment, name);
            return null;
        });
    }

    public List<Route> routes() {
        return call(desired::routes);
    }

    public Route addRoute(Route route) {
        return call(() -> topology.addRoute(route));
    }

    public void removeRoute(EnvironmentName environment, RoutePath path) {
        call(() -> {
            topology.removeRoute(environment, path);
            return null;
        });
    }

    /** Stops reconciling and retires every release that has instances; returns how many instances were asked to stop. */
    public int stopEverything() {
        return call(() -> {
            stopping = true;
            List<ObservedInstance> running = scheduler.instances().stream().filter(ObservedInstance::running).toList();
            running.stream().map(ObservedInstance::release).distinct()
                    .forEach(release -> scheduler.retire(release, settings.stopGrace()));
            desired.flush();
            return running.size();
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

    // ---- the loop

    private void tickSafely() {
        if (authority.get().isPresent()) {
            return;
        }
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
        instances.observe(now);
        instances.probeDue(now);
        deploys.evaluate(now);
        retireExpiredPrevious(now);
        reconcile(now);
        stopDrained(now);
        retireFinished();
        instances.pruneExited();
        publishRoutes();
        desired.flush();
        snapshot = instances.snapshot(desired.active());
    }

    /** A replaced release is kept warm for the rollback window, then retired (its instances drain and stop). */
    private void retireExpiredPrevious(Instant now) {
        List<Release> expired = desired.active().stream()
                .filter(r -> r.state() == ReleaseState.PREVIOUS && !now.isBefore(r.updatedAt().plus(settings.rollbackWindow())))
                .map(r -> r.withState(ReleaseState.REPLACED, now, r.reason() + "; rollback window of "
                        + settings.rollbackWindow().toSeconds() + "s ended"))
                .toList();
        if (!expired.isEmpty()) {
            desired.commit(expired, List.of());
        }
    }

    private void reconcile(Instant now) {
        Reconciler.Plan plan = Reconciler.plan(desired.active(), instances.members(), instances.backoffs(), now);
        for (Reconciler.Stop stop : plan.stops()) {
            Tracked instance = instances.get(stop.id());
            // Decided now, before draining: an unhealthy instance's exit is a failure (it counts as a restart).
            instance.stoppedAsUnhealthy = instance.health.health() == Health.UNHEALTHY;
            if (routed.contains(stop.id())) {
                // Out of the route table first; stopped once every gateway has moved on (stopDrained).
                instance.drainingSince = now;
                instances.emit(instance, EventType.INSTANCE_DRAINING, "instance " + stop.id() + " draining: " + stop.reason());
                continue;
            }
            scheduler.stop(stop.id(), settings.stopGrace());
        }
        for (Reconciler.Launch launch : plan.launches()) {
            launch(launch.release(), launch.count(), now);
        }
    }

    /** Asks the scheduler for {@code count} more instances of a release than it runs for it now. */
    private void launch(Release release, int count, Instant now) {
        StoredArtifact artifact;
        try {
            artifact = resolved.computeIfAbsent(release.id(), id -> artifacts.resolve(release.artifact()));
        } catch (ApolloException e) {
            instances.cannotStart(release.id(), "cannot start " + release.artifact().coordinates() + ": " + e.getMessage(), now);
            return;
        }
        Map<String, String> secrets = new TreeMap<>();
        try {
            release.settings().secrets().forEach((name, version) -> secrets.put(name.value(),
                    vault.value(release.environment(), release.service(), name, version)));
        } catch (ApolloException e) {
            instances.cannotStart(release.id(), "cannot start " + release.describe() + ": " + e.getMessage(), now);
            return;
        }
        Map<String, String> variables = new TreeMap<>();
        release.settings().variables().forEach((name, value) -> variables.put(name.value(), value));
        variables.putAll(InstanceVariables.of(release, settings.rpcGateway()));
        ReleaseSpec spec = new ReleaseSpec(release.id(), release.environment(), release.service(), release.version(),
                artifact.kind(), artifact.location(), release.memoryMb(), variables, secrets, release.settings().arguments(),
                release.settings().jvmOptions());
        instances.started(release, scheduler.ensure(spec, instances.wanted(release.id()) + count));
    }

    private void stopDrained(Instant now) {
        for (Tracked instance : instances.all()) {
            if (instance.drainingSince != null && instance.running() && !instance.observed.stopRequested()
                    && !now.isBefore(instance.drainingSince.plus(settings.drainDelay()))
                    && (settings.trafficSync().servesTableOf(instance.drainingSince)
                            || !now.isBefore(instance.drainingSince.plus(DRAIN_LIMIT)))) {
                scheduler.stop(instance.observed.id(), settings.stopGrace());
            }
        }
    }

    /**
     * Once a release that is no longer active has no instance left that the platform wants, the
     * scheduler may let go of it (an engine removes its service object). Once per release.
     */
    private void retireFinished() {
        Set<ReleaseId> withInstances = instances.all().stream().map(t -> t.release.id()).collect(Collectors.toSet());
        for (ReleaseId release : withInstances) {
            if (!desired.isActive(release) && instances.wanted(release) == 0 && retired.add(release)) {
                scheduler.retire(release, settings.stopGrace());
            }
        }
    }

    private void publishRoutes() {
        Set<ReleaseId> routable = desired.active().stream()
                .filter(r -> r.state() == ReleaseState.LIVE || r.state() == ReleaseState.TESTBED)
                .map(Release::id)
                .collect(Collectors.toSet());
        List<RouteTables.Routable> targets = instances.all().stream()
                .filter(t -> t.healthy() && routable.contains(t.release.id()) && t.observed.address().isPresent())
                .map(t -> new RouteTables.Routable(t.release.id(), t.observed.id().value(), t.observed.address().get().toString()))
                .toList();
        routeFeed.offer(RouteTables.build(desired.environments(), desired.routes(), desired.externals(), desired.active(),
                targets));
        routed = targets.stream().map(r -> new InstanceId(r.instance())).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        loop.shutdownNow();
        probe.close();
    }
}
