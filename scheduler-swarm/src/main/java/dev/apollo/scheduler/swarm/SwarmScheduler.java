package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import dev.apollo.scheduler.swarm.InstanceBook.Known;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Scheduler} port on Docker Swarm: each release is one service ({@link ReleaseService}),
 * its instances are the service's tasks, a jar runs as an image made on this machine
 * ({@link ImagePreparer}). Everything Apollo needs to find again is in the engine (labels), so a
 * restarted control plane adopts what runs; nothing is kept on disk.
 *
 * <p>Swarm never replaces a task (restart policy {@code none}): a task that exits leaves its slot
 * dead, and the service's replicas count live slots and dead ones alike. So {@link #ensure} counts
 * the slots that are neither dead nor asked to stop and raises the replicas by what is missing
 * (Swarm adds new slots and never revives a dead one), and a dead slot is dropped, by lowering the
 * replicas, once the platform has {@linkplain #forget forgotten} its instance (Swarm removes
 * non-running slots first).
 *
 * <p>{@link #stop} stops one chosen task's container ({@code docker stop} with the grace, which the
 * engine sees through even if we die); its slot is then dead like any other. Swarm has no call to
 * remove one given task, and lowering the replicas would let it pick which one goes. The container
 * is stopped through the engine of the task's node ({@link Nodes}). A stop is recorded as a service
 * label first, so the next control plane knows the exit was asked for and resumes the stop.
 *
 * <p>{@link #retire} stops every task the same way and marks the service; the service and its
 * secrets are removed once all its tasks have exited.
 */
public final class SwarmScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(SwarmScheduler.class.getName());

    private final Options options;
    private final Engine engine;
    private final Images images;
    private final ImagePreparer preparer;
    private final SwarmSecrets secrets;
    private final Nodes nodes;
    private final ImageSpread spread;
    private final String hostNetwork;
    private final Object lock = new Object();
    private final InstanceBook book;
    private final Map<ReleaseId, Pending> pending = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("apollo-swarm-scheduler").daemon(true).factory());
    private final ContainerStops stops;
    private volatile boolean closed;

    /**
     * How the scheduler reaches the engine and names what it makes.
     *
     * @param engine the Docker engine's API, a Swarm manager's
     * @param namespace prefixes every service and secret and labels them, so that control planes sharing a
     *     swarm (and tests) never touch each other's
     * @param housekeepingInterval how often stops are resumed, dead slots dropped and retired services removed
     */
    public record Options(URI engine, String namespace, Clock clock, Duration housekeepingInterval) {
        public Options {
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(housekeepingInterval, "housekeepingInterval");
            if (!namespace.matches("[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?")) {
                throw new ApolloException.Invalid("swarm namespace '" + namespace + "': expected up to 20 characters of"
                        + " [a-z0-9-], not starting or ending with -.");
            }
        }

        /** The engine {@code DOCKER_HOST} names, else the local socket; namespace {@code apollo}. */
        public static Options defaults() {
            String dockerHost = System.getenv("DOCKER_HOST");
            URI engine = dockerHost == null || dockerHost.isBlank() ? Engine.DEFAULT_HOST : URI.create(dockerHost);
            return new Options(engine, "apollo", Clock.systemUTC(), Duration.ofMillis(500));
        }

        public Options withNamespace(String newNamespace) {
            return new Options(engine, newNamespace, clock, housekeepingInterval);
        }

        public Options withEngine(URI newEngine) {
            return new Options(newEngine, namespace, clock, housekeepingInterval);
        }

        public Options withHousekeepingInterval(Duration interval) {
            return new Options(engine, namespace, clock, interval);
        }
    }

    /** An ensure that waits for its image. */
    private record Pending(ReleaseSpec release, int instances) {}

    private SwarmScheduler(Options options, Engine engine, String hostNetwork) {
        this.options = options;
        this.engine = engine;
        this.images = new Images(engine);
        this.nodes = new Nodes(engine);
        this.spread = new ImageSpread(engine, nodes);
        this.preparer = new ImagePreparer(images, RuntimeImage.ofRunningJdk(), spread::spread, this::resumePending);
        this.secrets = new SwarmSecrets(engine, options.namespace());
        this.hostNetwork = hostNetwork;
        this.stops = new ContainerStops(options.clock());
        this.book = new InstanceBook(options.clock());
    }

    /**
     * Connects to the engine, checks that it is a Swarm manager (or fails saying what to run), adopts
     * the services of this namespace, and starts making the Java base image in the background.
     */
    public static SwarmScheduler open(Options options) {
        Objects.requireNonNull(options, "options");
        Engine engine = Engine.connect(options.engine());
        try {
            engine.requireManager();
            SwarmScheduler scheduler = new SwarmScheduler(options, engine, hostNetwork(engine));
            synchronized (scheduler.lock) {
                scheduler.nodes.refresh();
                scheduler.refresh();
            }
            scheduler.preparer.prepareBase();
            long every = options.housekeepingInterval().toMillis();
            scheduler.timer.scheduleWithFixedDelay(scheduler::housekeep, every, every, TimeUnit.MILLISECONDS);
            return scheduler;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    private static String hostNetwork(Engine engine) {
        for (JsonNode network : engine.get("/networks")) {
            if (network.path("Name").asText().equals("host") && network.path("Driver").asText().equals("host")) {
                return network.path("Id").asText();
            }
        }
        throw new ApolloException("The Docker engine at " + engine.host() + " has no 'host' network; the Swarm scheduler"
                + " runs tasks on the host's network so that gateways reach them at the node's address.");
    }

    /** Makes the Java base image now and waits for it: for callers that must not wait on a first deploy. */
    public void prepareBaseImage() {
        RuntimeImage.ofRunningJdk().ensure(images);
    }

    @Override
    public Set<ArtifactKind> runs() {
        // JAR first: a jar is what the platform deploys today, and the contract takes the first kind.
        return Collections.unmodifiableSet(EnumSet.of(ArtifactKind.JAR, ArtifactKind.IMAGE));
    }

    @Override
    public ArtifactStore.ImageFacts inspectImage(ImageReference image) {
        return images.inspect(image.value());
    }

    @Override
    public List<ObservedInstance> ensure(ReleaseSpec release, int instances) {
        Objects.requireNonNull(release, "release");
        requireOpen();
        if (instances < 0) {
            throw new ApolloException.Invalid("instances: " + instances + " (expected: >= 0)");
        }
        if (release.memoryMb() < 1) {
            throw new ApolloException.Invalid("memory: " + release.memoryMb() + " MB (expected: >= 1)");
        }
        synchronized (lock) {
            Snapshot now = refresh();
            Optional<ServiceView> service = now.service(release.id());
            if (service.isPresent()) {
                grow(service.get(), now, instances);
                return List.of();
            }
            if (instances == 0) {
                return List.of();
            }
            return switch (preparer.imageFor(release)) {
                case ImagePreparer.Status.Building building -> {
                    pending.put(release.id(), new Pending(release, instances));
                    yield List.of();
                }
                case ImagePreparer.Status.Failed failed -> {
                    pending.remove(release.id());
                    yield book.couldNotStart(release, instances, failed.reason());
                }
                case ImagePreparer.Status.Ready ready -> {
                    pending.remove(release.id());
                    create(release, ready.reference(), instances, now);
                    yield List.of();
                }
            };
        }
    }

    /** Raises the replicas by what is missing: slots neither dead nor asked to stop are the ones that count. */
    private void grow(ServiceView service, Snapshot now, int instances) {
        if (service.retired()) {
            return;
        }
        List<TaskView> tasks = now.tasks(service);
        long unavailable = tasks.stream().filter(t -> t.terminal() || book.stopAsked(service, t)).count();
        int counted = (int) (service.replicas() - unavailable);
        int missing = instances - counted;
        if (missing <= 0) {
            return;
        }
        int highestSlot = Math.max(service.replicas(), tasks.stream().mapToInt(TaskView::slot).max().orElse(0));
        update(service.id(), s -> new ServiceUpdate.Change(s.replicas() + missing,
                PortTable.covering(ServiceUpdate.pruned(s, now), highestSlot + missing, now.portsTaken())));
    }

    private void create(ReleaseSpec release, String image, int instances, Snapshot now) {
        nodes.refresh();
        spread.spread(image);
        Map<String, String> labels = new HashMap<>(ReleaseService.identity(options.namespace(), release));
        labels = PortTable.covering(labels, instances, now.portsTaken());
        for (Nodes.Node node : nodes.usable()) {
            labels.put(PerTask.HOST_LABEL + node.id(), node.address());
        }
        Map<String, SwarmSecrets.Ref> refs = secrets.create(release);
        engine.client().createServiceCmd(ReleaseService.spec(options.namespace(), release, image, instances, labels, refs,
                hostNetwork, nodes.constraints())).exec();
    }

    /** Runs the ensures that waited for an image, once it is made (or could not be). */
    private void resumePending() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (Pending waiting : List.copyOf(pending.values())) {
                try {
                    ensure(waiting.release(), waiting.instances());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not start the instances of " + waiting.release(), e);
                }
            }
        }
    }

    @Override
    public void stop(InstanceId id, Duration grace) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new ApolloException.Invalid("stop grace: " + grace + " (expected: >= 0)");
        }
        requireOpen();
        synchronized (lock) {
            Known instance = book.get(id).orElse(null);
            if (instance == null || !instance.observed().running() || instance.task().isEmpty()
                    || book.stopAsked(instance.task().get())) {
                return; // unknown, over, or asked already: asking again does not buy more time
            }
            Snapshot now = refresh();
            Optional<ServiceView> service = now.services().stream()
                    .filter(s -> s.release().equals(instance.observed().release())).findFirst();
            Instant deadline = options.clock().instant().plus(grace);
            String task = instance.task().get();
            service.ifPresent(s -> update(s.id(), current -> new ServiceUpdate.Change(current.replicas(),
                    ReleaseService.with(ServiceUpdate.pruned(current, now), Map.of(ReleaseService.STOP + task,
                            Long.toString(deadline.toEpochMilli()))))));
            book.askedToStop(task, id);
            instance.container().ifPresent(container -> stops.stop(nodes.engineFor(instance.node()), container, deadline));
        }
    }

    @Override
    public void retire(ReleaseId release, Duration grace) {
        Objects.requireNonNull(release, "release");
        requireOpen();
        synchronized (lock) {
            pending.remove(release);
            Snapshot now = refresh();
            Optional<ServiceView> service = now.service(release);
            if (service.isEmpty()) {
                return;
            }
            Instant deadline = options.clock().instant().plus(grace);
            List<TaskView> live = now.tasks(service.get()).stream().filter(t -> !t.terminal()).toList();
            Map<String, String> marks = new HashMap<>(Map.of(ReleaseService.RETIRED, "true"));
            for (TaskView task : live) {
                if (!book.stopAsked(service.get(), task)) {
                    marks.put(ReleaseService.STOP + task.id(), Long.toString(deadline.toEpochMilli()));
                }
            }
            int existing = now.tasks(service.get()).size();
            // No new task starts once retired: the replicas come down to the tasks there are.
            update(service.get().id(), current -> new ServiceUpdate.Change(Math.min(current.replicas(), existing),
                    ReleaseService.with(ServiceUpdate.pruned(current, now), marks)));
            for (TaskView task : live) {
                book.askedToStop(task.id(), TaskView.instanceId(service.get().idPrefix(), task.id()));
                task.containerId().ifPresent(container -> stops.stop(nodes.engineFor(task.nodeId()), container, deadline));
            }
        }
    }

    /** Removes the retired services whose tasks have all ended now, rather than at the next housekeeping pass. */
    @Override
    public boolean awaitRetired(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (lock) {
                requireOpen();
                Snapshot now = refresh();
                List<ServiceView> retired = now.services().stream().filter(ServiceView::retired).toList();
                retired.forEach(service -> removeWhenDone(service, now));
                if (retired.stream().allMatch(service -> now.tasks(service).stream().allMatch(TaskView::terminal))) {
                    return true; // every one of them removed just now
                }
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100); // the engine has no event to wait on here
        }
    }

    @Override
    public List<ObservedInstance> instances() {
        synchronized (lock) {
            if (!closed) {
                refresh();
            }
            return book.all();
        }
    }

    @Override
    public void forget(InstanceId id) {
        Objects.requireNonNull(id, "id");
        synchronized (lock) {
            book.forget(id);
        }
    }

    @Override
    public LogPage readLog(InstanceId id, LogCursor from, int maxBytes) {
        Objects.requireNonNull(from, "from");
        if (maxBytes < 0) {
            throw new ApolloException.Invalid("log max bytes: " + maxBytes + " (expected: >= 0)");
        }
        Known instance;
        synchronized (lock) {
            instance = book.get(id).orElse(null);
        }
        if (instance == null) {
            return new LogPage(new byte[0], from);
        }
        if (instance.container().isEmpty()) {
            return OwnLog.page(instance.ownLog(), from, maxBytes);
        }
        return new ContainerLog(nodes.engineFor(instance.node()), instance.container().get()).page(from, maxBytes);
    }

    @Override
    public List<String> tailLog(InstanceId id, int lines) {
        if (lines < 0) {
            throw new ApolloException.Invalid("log lines: " + lines + " (expected: >= 0)");
        }
        Known instance;
        synchronized (lock) {
            instance = book.get(id).orElse(null);
        }
        if (instance == null) {
            return List.of();
        }
        if (instance.container().isEmpty()) {
            return OwnLog.tail(instance.ownLog(), lines);
        }
        return new ContainerLog(nodes.engineFor(instance.node()), instance.container().get()).tail(lines);
    }

    /** Stops the scheduler's own threads; the services keep running for the next scheduler to adopt. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timer.shutdownNow();
        preparer.close();
        stops.close();
        nodes.close();
        engine.close();
    }

    // ---- what the engine says

    /** Reads the swarm and folds it into what we know. */
    private Snapshot refresh() {
        Snapshot now = Snapshot.read(engine, options.namespace());
        book.fold(now, nodes);
        return now;
    }

    private void update(String serviceId, java.util.function.Function<ServiceView, ServiceUpdate.Change> change) {
        ServiceUpdate.apply(engine, serviceId, change);
    }

    // ---- background work

    // Catches everything: one uncaught exception would cancel the periodic task for good.
    private void housekeep() {
        try {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                nodes.refresh();
                Snapshot now = refresh();
                for (ServiceView service : now.services()) {
                    resumeStops(service, now);
                    if (service.retired()) {
                        removeWhenDone(service, now);
                    } else {
                        dropForgottenSlots(service, now);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Swarm scheduler housekeeping failed; trying again", e);
        }
    }

    /** A task asked to stop whose container was not stopped yet (it was starting, or the last control plane died). */
    private void resumeStops(ServiceView service, Snapshot now) {
        for (TaskView task : now.tasks(service)) {
            if (!task.terminal() && book.stopAsked(service, task) && task.containerId().isPresent()) {
                String mark = service.labels().get(ReleaseService.STOP + task.id());
                Instant deadline = mark == null ? options.clock().instant() : Instant.ofEpochMilli(Long.parseLong(mark));
                stops.stop(nodes.engineFor(task.nodeId()), task.containerId().get(), deadline);
            }
        }
    }

    private void removeWhenDone(ServiceView service, Snapshot now) {
        if (now.tasks(service).stream().allMatch(TaskView::terminal)) {
            try {
                engine.delete("/services/" + service.id());
            } catch (ApolloException.NotFound e) {
                // removed already
            }
            secrets.remove(service.release());
        }
    }

    /**
     * Lowers the replicas by the dead slots whose instances the platform forgot. Only while every
     * slot has a running or dead task: Swarm removes the highest non-running slots, and a task not
     * yet running would be one of them.
     */
    private void dropForgottenSlots(ServiceView service, Snapshot now) {
        List<TaskView> tasks = now.tasks(service);
        boolean settled = tasks.size() == service.replicas() && tasks.stream().allMatch(t -> t.terminal() || t.running());
        long forgotten = tasks.stream().filter(t -> t.terminal() && book.forgotten(t.id())).count();
        if (settled && forgotten > 0) {
            update(service.id(), current -> current.version() == service.version()
                    ? new ServiceUpdate.Change(current.replicas() - (int) forgotten, ServiceUpdate.pruned(current, now))
                    : new ServiceUpdate.Change(current.replicas(), current.labels())); // changed meanwhile: the next pass decides
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The Swarm scheduler on " + options.engine() + " is closed.");
        }
    }
}
