package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import dev.apollo.core.port.ReleaseSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The instances the Swarm scheduler reports: every task of its services as last read, the instances that
 * never became a task, the tasks it asked to stop and the ones the platform forgot. Not thread-safe: the
 * scheduler holds its lock around every call.
 */
final class InstanceBook {
    /** An instance as last seen; a task's (on a node, with a container once started), or one that never became a task. */
    record Known(ObservedInstance observed, Optional<String> task, Optional<String> container, String node, String ownLog) {}

    private final Clock clock;
    private final Map<InstanceId, Known> known = new HashMap<>();
    private final Set<String> forgottenTasks = new HashSet<>();
    private final Set<String> stopRequested = new HashSet<>();

    InstanceBook(Clock clock) {
        this.clock = clock;
    }

    /**
     * Folds what the swarm runs now into what we know: each task not forgotten is an instance reached at its
     * node's address; a task that vanished while running is reported exited.
     */
    void fold(Snapshot now, Nodes nodes) {
        Set<InstanceId> seen = new HashSet<>();
        for (ServiceView service : now.services()) {
            for (TaskView task : now.tasks(service)) {
                if (forgottenTasks.contains(task.id())) {
                    continue;
                }
                ObservedInstance observed = task.observed(service, nodes.addressOf(task.nodeId()), stopAsked(service, task));
                known.put(observed.id(), new Known(observed, Optional.of(task.id()), task.containerId(), task.nodeId(), ""));
                seen.add(observed.id());
            }
        }
        Instant at = clock.instant();
        known.replaceAll((id, instance) -> {
            if (instance.task().isEmpty() || seen.contains(id) || !instance.observed().running()) {
                return instance;
            }
            ObservedInstance o = instance.observed();
            String reason = o.stopRequested() ? ExitReason.STOPPED : "removed from the swarm by someone else";
            return new Known(new ObservedInstance(o.id(), o.release(), Optional.empty(), o.startedAt(), o.stopRequested(),
                    Optional.of(new Exit(Exit.UNKNOWN_CODE, reason, at))), instance.task(), instance.container(),
                    instance.node(), "");
        });
        Set<String> present = new HashSet<>();
        now.tasksByService().values().forEach(list -> list.forEach(t -> present.add(t.id())));
        forgottenTasks.retainAll(present);
    }

    /** Instances that failed before any task existed: they show as exited with the reason, as the contract wants. */
    List<ObservedInstance> couldNotStart(ReleaseSpec release, int instances, String why) {
        List<ObservedInstance> failed = new ArrayList<>();
        Instant at = clock.instant();
        String reason = ExitReason.couldNotStart(why);
        for (int i = 0; i < instances; i++) {
            ObservedInstance instance = new ObservedInstance(InstanceId.newFor(release.service()), release.id(),
                    Optional.empty(), at, false, Optional.of(new Exit(Exit.UNKNOWN_CODE, reason, at)));
            known.put(instance.id(), new Known(instance, Optional.empty(), Optional.empty(), "", "apollo: " + reason + "\n"));
            failed.add(instance);
        }
        return List.copyOf(failed);
    }

    Optional<Known> get(InstanceId id) {
        return Optional.ofNullable(known.get(id));
    }

    List<ObservedInstance> all() {
        return known.values().stream().map(Known::observed).sorted(Comparator.comparing(ObservedInstance::id)).toList();
    }

    /** Whether the platform asked this task to stop, by a mark on its service (any control plane's) or of ours. */
    boolean stopAsked(ServiceView service, TaskView task) {
        return service.stopRequested(task.id()) || stopRequested.contains(task.id());
    }

    boolean stopAsked(String task) {
        return stopRequested.contains(task);
    }

    /** Records that {@code task}, the task of instance {@code id}, was asked to stop. */
    void askedToStop(String task, InstanceId id) {
        stopRequested.add(task);
        Known instance = known.get(id);
        if (instance != null && !instance.observed().stopRequested()) {
            ObservedInstance o = instance.observed();
            known.put(id, new Known(new ObservedInstance(o.id(), o.release(), o.address(), o.startedAt(), true, o.exit()),
                    instance.task(), instance.container(), instance.node(), instance.ownLog()));
        }
    }

    /** Drops an instance that has exited; its task, if any, is left out of what we report from now on. */
    void forget(InstanceId id) {
        Known instance = known.get(id);
        if (instance == null) {
            return;
        }
        if (instance.observed().running()) {
            throw new ApolloException.Conflict("instance " + id + " is still running: stop it and wait for its exit"
                    + " before forgetting it.");
        }
        known.remove(id);
        instance.task().ifPresent(forgottenTasks::add);
    }

    boolean forgotten(String task) {
        return forgottenTasks.contains(task);
    }
}
