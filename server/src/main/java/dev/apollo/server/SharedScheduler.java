package dev.apollo.server;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import dev.apollo.process.Machine;
import dev.apollo.scheduler.local.ProcessScheduler;
import dev.apollo.server.Backends.SchedulerChoice;
import dev.apollo.store.postgres.PostgresLeadership;
import dev.apollo.store.postgres.PostgresLeadership.InstancesPlace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The scheduler of a control plane that shares its store with others: opened when this control plane
 * starts leading, on the instances the cluster already has, so a new leader adopts its predecessor's
 * instances instead of starting doubles and leaving orphans. Until then it runs nothing and sees nothing
 * (a standby's scheduler must not adopt, or kill as strays, what the leader runs).
 *
 * <ul>
 *   <li>Swarm: the namespace is the cluster's identity, kept in the database, so every control plane on it
 *       labels and adopts the same services.
 *   <li>Local processes: where the last leader kept its instances (machine and state directory) is in the
 *       database. A leader on the same host opens that directory, waiting while an ex-leader still holds its
 *       lock (it releases it when it steps down), and adopts the live processes by their markers. A leader
 *       on another host cannot reach them (local processes are per machine): it says so, in its log and in
 *       the event stream, and starts the desired instances in its own data dir; the old ones are stopped by
 *       the old host's control plane when it starts again ({@link #sweepLeftovers}).
 * </ul>
 */
final class SharedScheduler implements Scheduler {
    private static final Logger LOG = Logger.getLogger(SharedScheduler.class.getName());
    private static final Duration LOCK_RETRY = Duration.ofMillis(200);
    private static final Duration LOCK_COMPLAINT = Duration.ofSeconds(10);

    private final SchedulerChoice choice;
    private final Path ownHome;
    private final PostgresLeadership leadership;
    private final Machine here;
    private volatile Scheduler delegate;
    private volatile Path openedOn;
    private volatile boolean closed;

    SharedScheduler(SchedulerChoice choice, Path ownHome, PostgresLeadership leadership, Machine here) {
        this.choice = choice;
        this.ownHome = realPath(ownHome);
        this.leadership = leadership;
        this.here = here;
    }

    /**
     * Opens the scheduler for this term, on the cluster's instances, and records where they are kept.
     * Blocks while another process holds the state directory's lock and {@code stillLeading} holds.
     *
     * @return what this control plane found, in words for its log and the event stream
     */
    String open(BooleanSupplier stillLeading) {
        if (choice instanceof SchedulerChoice.Swarm) {
            String namespace = Backends.swarmNamespace(leadership.clusterId());
            delegate = Backends.openScheduler(choice, ownHome, namespace);
            return "adopted the cluster's Swarm services (namespace " + namespace + ")";
        }
        Optional<InstancesPlace> place = leadership.instancesPlace();
        Path home = ownHome;
        String found;
        if (place.isEmpty()) {
            found = "no earlier leader recorded instances; keeping them in " + ownHome;
        } else {
            Machine there = Machine.parse(place.get().machine());
            Path theirs = Path.of(place.get().home());
            if (!there.hostname().equals(here.hostname())) {
                found = "the previous leader's instances run on " + there.hostname() + " (in " + theirs + "), beyond this"
                        + " control plane's reach: local processes are per machine. It starts the desired instances here,"
                        + " in " + ownHome + "; the old ones are stopped when a control plane starts again on "
                        + there.hostname() + " with that data dir, or by hand";
                LOG.warning(found);
            } else if (!Files.isDirectory(theirs)) {
                found = "the previous leader's instances directory " + theirs + " is gone; starting the desired instances"
                        + " in " + ownHome;
                LOG.warning(found);
            } else {
                home = realPath(theirs);
                found = there.equals(here)
                        ? "adopted the previous leader's instances in " + theirs
                        : "opened the previous leader's instances in " + theirs + " (this machine has rebooted since:"
                                + " the processes recorded there are gone and are replaced)";
            }
        }
        delegate = openWaitingForLock(home, stillLeading);
        openedOn = home;
        leadership.placeInstances(here.toString(), home.toString());
        LOG.info(found);
        return found;
    }

    private Scheduler openWaitingForLock(Path home, BooleanSupplier stillLeading) {
        long since = System.nanoTime();
        long complainedAt = since;
        while (true) {
            try {
                return openLocal(home);
            } catch (ApolloException.Conflict locked) {
                if (!stillLeading.getAsBoolean() || closed) {
                    throw new ApolloException.NotLeader("This control plane lost the leadership while waiting for the"
                            + " instances in " + home + ".", "");
                }
                if (System.nanoTime() - complainedAt > LOCK_COMPLAINT.toNanos()) {
                    complainedAt = System.nanoTime();
                    LOG.warning("still waiting for " + home + " after " + (complainedAt - since) / 1_000_000_000 + " s: "
                            + locked.getMessage() + " (an ex-leader paused or partitioned on this machine releases it when"
                            + " it steps down)");
                }
                LockSupport.parkNanos(LOCK_RETRY.toNanos());
            }
        }
    }

    /**
     * At start, before campaigning: instances left in this control plane's own data dir by a term of its own
     * that is over, when the cluster's instances are kept elsewhere (a leader elsewhere replaced them). They
     * would run unmanaged for ever; they are stopped, with {@code grace}, and waited for.
     *
     * @return how many were stopped
     */
    int sweepLeftovers(Duration grace) {
        if (!(choice instanceof SchedulerChoice.Local) || !Files.isDirectory(ownHome.resolve("instances"))) {
            return 0;
        }
        Optional<InstancesPlace> place = leadership.instancesPlace();
        if (place.isEmpty()) {
            return 0;
        }
        Machine there = Machine.parse(place.get().machine());
        if (there.hostname().equals(here.hostname()) && realPath(Path.of(place.get().home())).equals(ownHome)) {
            return 0; // the cluster's instances are these: the leader's to manage
        }
        Scheduler own;
        try {
            own = openLocal(ownHome);
        } catch (ApolloException.Conflict inUse) {
            return 0;
        }
        try {
            List<ObservedInstance> left = own.instances().stream().filter(ObservedInstance::running).toList();
            if (left.isEmpty()) {
                return 0;
            }
            LOG.warning("stopping " + left.size() + " instances left in " + ownHome + " by an earlier term of this"
                    + " control plane: the cluster's instances are kept in " + place.get().home() + " on "
                    + there.hostname() + " now, and these were replaced there");
            left.forEach(i -> own.stop(i.id(), grace));
            long deadline = System.nanoTime() + grace.plusSeconds(5).toNanos();
            while (System.nanoTime() < deadline && own.instances().stream().anyMatch(ObservedInstance::running)) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            own.instances().stream().filter(i -> !i.running()).forEach(i -> own.forget(i.id()));
            return left.size();
        } finally {
            own.close();
        }
    }

    /** The data dir whose instances this term's local scheduler opened (its artifacts are beside them). */
    Path home() {
        return openedOn == null ? ownHome : openedOn;
    }

    /** As the local scheduler spells its state directory (and its processes' markers): the same however it was given. */
    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (java.io.IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static Scheduler openLocal(Path home) {
        return ProcessScheduler.open(home, ProcessScheduler.Options.defaults());
    }

    private Scheduler opened() {
        Scheduler current = delegate;
        if (current == null) {
            throw new ApolloException.NotLeader("This control plane does not lead: it starts and stops no instance.", "");
        }
        return current;
    }

    @Override
    public Set<ArtifactKind> runs() {
        Scheduler current = delegate;
        return current == null ? Set.of() : current.runs();
    }

    @Override
    public ArtifactStore.ImageFacts inspectImage(ImageReference image) {
        return opened().inspectImage(image);
    }

    @Override
    public List<ObservedInstance> ensure(ReleaseSpec release, int instances) {
        return opened().ensure(release, instances);
    }

    @Override
    public void stop(InstanceId id, Duration grace) {
        opened().stop(id, grace);
    }

    @Override
    public void retire(ReleaseId release, Duration grace) {
        opened().retire(release, grace);
    }

    @Override
    public boolean awaitRetired(Duration timeout) throws InterruptedException {
        Scheduler current = delegate;
        return current == null || current.awaitRetired(timeout);
    }

    @Override
    public List<ObservedInstance> instances() {
        Scheduler current = delegate;
        return current == null ? List.of() : current.instances();
    }

    @Override
    public void forget(InstanceId id) {
        opened().forget(id);
    }

    @Override
    public LogPage readLog(InstanceId id, LogCursor from, int maxBytes) {
        Scheduler current = delegate;
        return current == null ? new LogPage(new byte[0], from) : current.readLog(id, from, maxBytes);
    }

    @Override
    public List<String> tailLog(InstanceId id, int lines) {
        Scheduler current = delegate;
        return current == null ? List.of() : current.tailLog(id, lines);
    }

    /**
     * Lets go of the instances (their state directory's lock, the engine's connection) without stopping
     * any: for a control plane that stepped down, so the new leader on this machine can open them.
     */
    @Override
    public void close() {
        closed = true;
        Scheduler current = delegate;
        delegate = null;
        if (current != null) {
            current.close();
        }
    }
}
