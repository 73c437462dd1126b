package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import dev.apollo.process.GracefulStop;
import dev.apollo.process.Processes;
import dev.apollo.process.Signal;
import dev.apollo.scheduler.local.InstanceTable.Tracked;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Scheduler} port as OS processes on this machine: each instance is
 * {@code java -jar <artifact>} with its own directory under {@code <stateDir>/instances/<id>}
 * holding its record ({@code instance.properties}) and its output ({@code output.log}).
 *
 * <p>Instances do not depend on the control plane staying up: their output goes straight to a
 * file, and a scheduler opened later on the same state directory adopts the ones still running
 * and reports the others as exited. Processes carrying this state directory's marker but no
 * record are killed on open, so nothing is left orphaned.
 *
 * <p>A release is a set of processes: {@link #ensure} starts the missing ones, {@link #retire} stops
 * them all; there is no engine object to keep.
 *
 * <p>{@link #forget} refuses a running instance with {@link ApolloException.Conflict}: forgetting
 * it would orphan the process.
 *
 * <p>Its parts: {@link InstanceTable} (the instances and their records), {@link Adopter} (what
 * opening finds), {@link StateDirLock}, {@link InstanceCommand} (how an instance is started),
 * {@link ClassDataArchives} (what makes it start quickly).
 */
public final class ProcessScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ProcessScheduler.class.getName());
    private static final String INSTANCES = "instances";
    /** A first instance that has loaded no new class for this long has started: its classes make the archive. */
    private static final Duration ARCHIVE_QUIET = Duration.ofSeconds(10);

    private final Path home;
    private final Options options;
    private final HomeMarker marker;
    private final PortAllocator ports;
    private final StateDirLock lock;
    private final ScheduledExecutorService timer;
    private final InstanceTable table;
    private final ClassDataArchives archives;
    private final Object ensuring = new Object();
    private volatile boolean closed;

    /**
     * How the scheduler runs instances.
     *
     * @param java the {@code java} executable instances run with
     * @param logCapBytes an instance's {@code output.log} is rotated once it passes this size
     * @param logFilesKept rotated copies kept ({@code output.log.1} ...); 0 keeps none
     * @param host the address instances listen on and are reported at
     * @param logCheckInterval how often log sizes (and adopted instances' liveness) are checked
     */
    public record Options(Path java, long logCapBytes, int logFilesKept, String host, Clock clock,
            Duration logCheckInterval) {

        public Options {
            Objects.requireNonNull(java, "java");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(logCheckInterval, "logCheckInterval");
            if (logCapBytes < 1) {
                throw new ApolloException.Invalid("log cap: " + logCapBytes + " bytes (expected: >= 1)");
            }
            if (logFilesKept < 0) {
                throw new ApolloException.Invalid("log files kept: " + logFilesKept + " (expected: >= 0)");
            }
            if (logCheckInterval.isNegative() || logCheckInterval.isZero()) {
                throw new ApolloException.Invalid("log check interval: " + logCheckInterval + " (expected: > 0)");
            }
        }

        /** The running JVM's java, 10 MiB logs with 2 rotated copies, 127.0.0.1, the system clock. */
        public static Options defaults() {
            return new Options(Path.of(System.getProperty("java.home"), "bin", "java"), 10L * 1024 * 1024, 2,
                    "127.0.0.1", Clock.systemUTC(), Duration.ofSeconds(1));
        }

        public Options withJava(Path newJava) {
            return new Options(newJava, logCapBytes, logFilesKept, host, clock, logCheckInterval);
        }

        public Options withLogCap(long bytes, int filesKept) {
            return new Options(java, bytes, filesKept, host, clock, logCheckInterval);
        }

        public Options withHost(String newHost) {
            return new Options(java, logCapBytes, logFilesKept, newHost, clock, logCheckInterval);
        }

        public Options withClock(Clock newClock) {
            return new Options(java, logCapBytes, logFilesKept, host, newClock, logCheckInterval);
        }

        public Options withLogCheckInterval(Duration interval) {
            return new Options(java, logCapBytes, logFilesKept, host, clock, interval);
        }
    }

    private ProcessScheduler(Path home, Options options, StateDirLock lock) {
        this.home = home;
        this.options = options;
        this.marker = new HomeMarker(home);
        this.ports = new PortAllocator(options.host());
        this.lock = lock;
        this.table = new InstanceTable(home.resolve(INSTANCES));
        this.archives = new ClassDataArchives(home, options.java(), id -> table.all().stream()
                .anyMatch(t -> t.record().id().equals(id) && t.record().running()), ARCHIVE_QUIET);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("apollo-process-scheduler").daemon(true).factory());
    }

    /**
     * Opens the scheduler on {@code stateDir}, adopting the instances an earlier scheduler left
     * running there and killing processes of this state directory that have no record.
     *
     * @throws ApolloException.Conflict when another scheduler has {@code stateDir} open
     */
    public static ProcessScheduler open(Path stateDir, Options options) {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(options, "options");
        Path home;
        StateDirLock lock;
        try {
            Files.createDirectories(stateDir.resolve(INSTANCES), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            // The real path, so that the marker on the command line is the same however the
            // directory is spelled (relative, through a symlink) by the next control plane.
            home = stateDir.toRealPath();
            lock = StateDirLock.acquire(home);
        } catch (IOException e) {
            throw new ApolloException("Could not open the scheduler state directory " + stateDir + ": " + e
                    + ". Check that it is a writable directory.", e);
        }
        ProcessScheduler scheduler = new ProcessScheduler(home, options, lock);
        Adopter adopter = new Adopter(home.resolve(INSTANCES), scheduler.marker, options.clock(), scheduler.timer);
        adopter.adoptAll().forEach(scheduler::watchAdopted);
        long every = options.logCheckInterval().toMillis();
        scheduler.timer.scheduleWithFixedDelay(scheduler::housekeep, every, every, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** The state directory, as resolved when opened. */
    public Path stateDir() {
        return home;
    }

    @Override
    public Set<ArtifactKind> runs() {
        return Set.of(ArtifactKind.JAR);
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
        if (!runs().contains(release.kind())) {
            throw new ApolloException.Invalid("the local scheduler runs executable jars, not " + release.kind().description()
                    + " (" + release.artifact() + "); run it on a scheduler for containers.");
        }
        // One caller at a time counts and starts, or two could both see the same instance missing.
        synchronized (ensuring) {
            long counted = table.all().stream()
                    .map(Tracked::record)
                    .filter(r -> r.release().equals(release.id()) && r.running() && !r.stopRequested())
                    .count();
            List<ObservedInstance> started = new ArrayList<>();
            for (long i = counted; i < instances; i++) {
                started.add(launch(release, InstanceId.newFor(release.service())));
            }
            return List.copyOf(started);
        }
    }

    private ObservedInstance launch(ReleaseSpec spec, InstanceId id) {
        Optional<String> problem = InstanceCommand.artifactProblem(spec.artifact());
        InstanceRecord record = table.create(id, portsTaken -> InstanceRecord.starting(id, spec,
                problem.isPresent() ? Optional.empty() : Optional.of(new Address(options.host(), ports.allocate(portsTaken))),
                options.clock().instant()));
        if (problem.isPresent()) {
            failedToStart(id, problem.get());
            return observed(id);
        }
        Process process;
        try {
            int port = record.address().orElseThrow().port();
            List<String> archive = archives.optionsFor(spec, id, InstanceCommand.jvmDefaults(spec));
            process = InstanceCommand.of(spec, id, options.java(), archive, marker, port, table.dir(id)).start();
        } catch (IOException | RuntimeException e) {
            failedToStart(id, "running " + options.java() + " failed: " + e.getMessage());
            return observed(id);
        }
        ProcessHandle handle = process.toHandle();
        Tracked attached = table.change(id, t -> new Tracked(t.record().withPid(handle.pid()), Optional.of(handle), false));
        process.onExit().thenAccept(done -> exited(id, done.exitValue()));
        if (attached != null && attached.record().stopRequested()) {
            terminate(attached); // a stop that came in while the process was being started
        }
        return observed(id);
    }

    private ObservedInstance observed(InstanceId id) {
        return table.record(id).observed();
    }

    private void failedToStart(InstanceId id, String why) {
        String reason = ExitReason.couldNotStart(why);
        try {
            new InstanceLog(table.dir(id)).appendLine("apollo: " + reason);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not write to the log of instance " + id, e);
        }
        Exit exit = new Exit(Exit.UNKNOWN_CODE, reason, options.clock().instant());
        table.change(id, t -> t.withRecord(t.record().withExit(Optional.of(exit))));
    }

    private void exited(InstanceId id, int code) {
        if (closed) {
            return; // no longer ours to judge: the next scheduler on this directory does it on open
        }
        table.change(id, t -> {
            InstanceRecord record = t.record();
            if (!record.running()) {
                return t;
            }
            Exit exit = new Exit(code, ExitReason.of(code, record.stopRequested()), options.clock().instant());
            return t.withRecord(record.withExit(Optional.of(exit)));
        });
    }

    @Override
    public void stop(InstanceId id, Duration grace) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new ApolloException.Invalid("stop grace: " + grace + " (expected: >= 0)");
        }
        requireOpen();
        Instant deadline = options.clock().instant().plus(grace);
        // A second stop keeps the first deadline: asking again does not buy more time.
        Tracked stopping = table.change(id, t -> t.record().running() && !t.record().stopRequested()
                ? t.withRecord(t.record().withStopRequested(deadline))
                : t);
        if (stopping != null && stopping.record().running()) {
            terminate(stopping);
        }
    }

    @Override
    public void retire(ReleaseId release, Duration grace) {
        Objects.requireNonNull(release, "release");
        List<InstanceId> running = table.all().stream()
                .map(Tracked::record)
                .filter(r -> r.release().equals(release) && r.running())
                .map(InstanceRecord::id)
                .toList();
        running.forEach(id -> stop(id, grace));
    }

    /** SIGTERM now, SIGKILL at the recorded deadline if the instance still runs then. */
    private void terminate(Tracked t) {
        t.process().ifPresent(process -> {
            Instant now = options.clock().instant();
            Duration grace = Duration.between(now, t.record().stopDeadline().orElse(now));
            new GracefulStop(Signal.TERM, grace.isNegative() ? Duration.ZERO : grace).stopLater(process, timer);
        });
    }

    @Override
    public List<ObservedInstance> instances() {
        return table.all().stream()
                .map(t -> t.record().observed())
                .sorted(Comparator.comparing(ObservedInstance::id))
                .toList();
    }

    @Override
    public void forget(InstanceId id) {
        Objects.requireNonNull(id, "id");
        table.forget(id);
    }

    @Override
    public LogPage readLog(InstanceId id, LogCursor from, int maxBytes) {
        Objects.requireNonNull(from, "from");
        if (maxBytes < 0) {
            throw new ApolloException.Invalid("log max bytes: " + maxBytes + " (expected: >= 0)");
        }
        if (!table.contains(id)) {
            return new LogPage(new byte[0], from);
        }
        try {
            return new InstanceLog(table.dir(id)).page(from, maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the log of instance " + id, e);
        }
    }

    @Override
    public List<String> tailLog(InstanceId id, int lines) {
        if (lines < 0) {
            throw new ApolloException.Invalid("log lines: " + lines + " (expected: >= 0)");
        }
        if (!table.contains(id)) {
            return List.of();
        }
        try {
            return new InstanceLog(table.dir(id)).tail(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the log of instance " + id, e);
        }
    }

    /** Stops the scheduler's own threads; instances keep running for the next scheduler to adopt. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Pending SIGKILLs are dropped with the timer; the next scheduler resumes them from the
        // stop deadlines in the records.
        timer.shutdownNow();
        archives.close();
        lock.close();
    }

    /** Tracks an instance the {@link Adopter} found, and follows its process from here on. */
    private void watchAdopted(Adoption adoption) {
        Tracked t = new Tracked(adoption.record(), adoption.process(), true);
        table.add(t);
        InstanceId id = adoption.record().id();
        adoption.process().ifPresent(handle -> {
            handle.onExit().thenAccept(done -> exited(id, Exit.UNKNOWN_CODE));
            if (adoption.record().stopRequested()) {
                terminate(t); // resumes a stop the earlier control plane did not see through
            }
        });
    }

    // ---- background work

    // Catches everything: one uncaught exception would cancel the periodic task for good.
    private void housekeep() {
        for (Tracked t : table.all()) {
            if (!t.record().running()) {
                continue;
            }
            InstanceId id = t.record().id();
            try {
                // The JDK notices a non-child's exit by polling, up to seconds apart, and never
                // notices an unreaped zombie; this check does both.
                if (t.adopted() && t.process().isPresent() && !Processes.running(t.process().get())) {
                    exited(id, Exit.UNKNOWN_CODE);
                    continue;
                }
                new InstanceLog(table.dir(id))
                        .rotateIfLarger(options.logCapBytes(), options.logFilesKept());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Housekeeping of instance " + id + " failed (log rotation or liveness check)", e);
            }
        }
        try {
            archives.settle();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Making class-data archives failed", e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The process scheduler on " + home + " is closed.");
        }
    }
}
