package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The instances a scheduler tracks, in memory and in their directories under {@code instances/}.
 * Changes are made one at a time and each is persisted to the instance's record, so that the
 * record files are written in the order of the changes.
 */
final class InstanceTable {
    private static final System.Logger LOG = System.getLogger(InstanceTable.class.getName());

    /**
     * @param process empty only for an instance that never started
     * @param adopted started by an earlier control plane: not our child, so its exit code is unknown
     */
    record Tracked(InstanceRecord record, Optional<ProcessHandle> process, boolean adopted) {
        Tracked withRecord(InstanceRecord newRecord) {
            return new Tracked(newRecord, process, adopted);
        }
    }

    private final Path instancesDir;
    private final Map<InstanceId, Tracked> tracked = new ConcurrentHashMap<>();
    private final Object changes = new Object();

    InstanceTable(Path instancesDir) {
        this.instancesDir = instancesDir;
    }

    Path dir(InstanceId id) {
        return instancesDir.resolve(id.value());
    }

    Collection<Tracked> all() {
        return tracked.values();
    }

    boolean contains(InstanceId id) {
        return tracked.containsKey(id);
    }

    /** The record of a known instance. */
    InstanceRecord record(InstanceId id) {
        return tracked.get(id).record();
    }

    /**
     * Adds a new instance. {@code recordFor} makes its record from the ports running instances
     * hold, under the same lock as every change, so two new instances never get one port.
     */
    InstanceRecord create(InstanceId id, Function<Set<Integer>, InstanceRecord> recordFor) {
        synchronized (changes) {
            InstanceRecord record = recordFor.apply(portsInUse());
            Path dir = dir(id);
            try {
                deleteTree(dir); // leftovers of a forget that did not finish
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))); // private: its log is the instance's output
                // Written before the process exists: if we die right after starting it, the next
                // control plane finds the record and adopts the process by its marker.
                record.write(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the record of instance " + id + " in " + dir, e);
            }
            tracked.put(id, new Tracked(record, Optional.empty(), false));
            return record;
        }
    }

    /** Adds an instance found on open; its record is on disk already. */
    void add(Tracked adopted) {
        tracked.put(adopted.record().id(), adopted);
    }

    /** Applies a change to a known instance and persists its record; null when the id is unknown. */
    Tracked change(InstanceId id, UnaryOperator<Tracked> how) {
        synchronized (changes) {
            Tracked before = tracked.get(id);
            if (before == null) {
                return null;
            }
            Tracked after = how.apply(before);
            tracked.put(id, after);
            if (!after.record().equals(before.record())) {
                persist(dir(id), after.record());
            }
            return after;
        }
    }

    /** Drops an instance that no longer runs, with its directory. */
    void forget(InstanceId id) {
        synchronized (changes) {
            Tracked t = tracked.get(id);
            if (t == null) {
                return;
            }
            if (t.record().running()) {
                throw new ApolloException.Conflict("Instance " + id + " is still running; stop it and wait for"
                        + " its exit before forgetting it.");
            }
            tracked.remove(id);
            try {
                deleteTree(dir(id));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Could not delete the directory of forgotten instance " + id
                        + "; it is removed when the id is launched again or can be deleted by hand.", e);
            }
        }
    }

    private Set<Integer> portsInUse() {
        return tracked.values().stream()
                .filter(t -> t.record().running())
                .flatMap(t -> t.record().address().stream())
                .map(Address::port)
                .collect(Collectors.toSet());
    }

    static void persist(Path dir, InstanceRecord record) {
        try {
            record.write(dir);
        } catch (IOException e) {
            // The state in memory stays right; only a later control plane could misjudge.
            LOG.log(Level.WARNING, "Could not update the record of instance " + record.id() + " in " + dir, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        paths.sort(Comparator.reverseOrder());
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
