package dev.apollo.scheduler.local;

import dev.apollo.process.GracefulStop;
import dev.apollo.process.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * What a scheduler opening on a state directory does with what an earlier one left: each instance
 * directory's record is matched with the live processes carrying its id ({@link Adoption} decides),
 * a record that changed is persisted, and whatever carries our marker but belongs to no record is
 * killed. The scheduler then tracks the adoptions.
 */
final class Adopter {
    private static final System.Logger LOG = System.getLogger(Adopter.class.getName());
    private static final Duration STRAY_GRACE = Duration.ofSeconds(5);

    private final Path instancesDir;
    private final HomeMarker marker;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    /** @param timer kills the strays that outlive {@link #STRAY_GRACE} */
    Adopter(Path instancesDir, HomeMarker marker, Clock clock, ScheduledExecutorService timer) {
        this.instancesDir = instancesDir;
        this.marker = marker;
        this.clock = clock;
        this.timer = timer;
    }

    /** One adoption per instance directory with a readable record; directories without one are removed. */
    List<Adoption> adoptAll() {
        Map<String, List<ProcessHandle>> live = marker.scan();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(instancesDir)) {
            dirs = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + instancesDir, e);
        }
        List<Adoption> adoptions = new ArrayList<>();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            List<ProcessHandle> processes = live.getOrDefault(name, List.of());
            live.remove(name);
            adopt(dir, processes).ifPresent(adoptions::add);
        }
        // Whatever carries our marker but has no directory was started by a scheduler that lost
        // track of it (e.g. its directory was deleted): nobody would ever stop it otherwise.
        live.forEach((id, processes) -> processes.forEach(this::killStray));
        return adoptions;
    }

    private Optional<Adoption> adopt(Path dir, List<ProcessHandle> processes) {
        InstanceRecord record;
        try {
            record = InstanceRecord.read(dir);
            if (!record.id().value().equals(dir.getFileName().toString())) {
                throw new IOException("it names instance " + record.id() + ", not " + dir.getFileName());
            }
        } catch (IOException e) {
            // The record is written before a process starts, so a directory without one never
            // had a process of its own; a process there anyway is a stray.
            LOG.log(Level.WARNING, "Removing instance directory " + dir + " without a readable record: " + e.getMessage());
            processes.forEach(this::killStray);
            try {
                InstanceTable.deleteTree(dir);
            } catch (IOException again) {
                LOG.log(Level.WARNING, "Could not remove " + dir, again);
            }
            return Optional.empty();
        }
        Adoption adoption = Adoption.of(record, processes, clock.instant());
        adoption.strays().forEach(this::killStray);
        if (!adoption.record().equals(record)) {
            InstanceTable.persist(dir, adoption.record());
        }
        return Optional.of(adoption);
    }

    private void killStray(ProcessHandle process) {
        LOG.log(Level.INFO, "Killing process " + process.pid() + ": it carries the marker of " + marker.home()
                + " but no instance record, so nobody would ever stop it.");
        new GracefulStop(Signal.TERM, STRAY_GRACE).stopLater(process, timer);
    }
}
