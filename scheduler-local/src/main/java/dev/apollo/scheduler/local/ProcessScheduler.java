package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import dev.apollo.core.port.Scheduler;
import dev.apollo.process.GracefulStop;
import dev.apollo.process.Processes;
import dev.apollo.process.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 */
public final class ProcessScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ProcessScheduler.class.getName());
    private static final Duration STRAY_GRACE = Duration.ofSeconds(5);
    private static final String INSTANCES = "instances";
    private static final String LOCK = "scheduler.lock";

    private final Path home;
    private final Path instancesDir;
    private final Options options;
    private final HomeMarker marker;
    private final PortAllocator ports;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ScheduledExecutorService timer;
    private final Map<InstanceId, Tracked> tracked = new ConcurrentHashMap<>();
    // Serializes changes so that each instance's record file is written in the order of its changes.
    private final Object changes = new Object();
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

    /**
     * @param process empty only for an instance that never started
     * @param adopted started by an earlier control plane: not our child, so its exit code is unknown
     */
    private record Tracked(InstanceRecord record, Optional<ProcessHandle> process, boolean adopted) {
        Tracked withRecord(InstanceRecord newRecord) {
            return new Tracked(newRecord, process, adopted);
        }
    }

    private ProcessScheduler(Path home, Options options, FileChannel lockChannel, FileLock lock) {
        this.home = home;
        this.instancesDir = home.resolve(INSTANCES);
        this.options = options;
        this.marker = new HomeMarker(home);
        this.ports = new PortAllocator(options.host());
        this.lockChannel = lockChannel;
        this.lock = lock;
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
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(stateDir.resolve(INSTANCES));
            // The real path, so that the marker on the command line is the same however the
            // directory is spelled (relative, through a symlink) by the next control plane.
            home = stateDir.toRealPath();
            channel = FileChannel.open(home.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ApolloException("Could not open the scheduler state directory " + stateDir + ": " + e
                    + ". Check that it is a writable directory.", e);
        }
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ApolloException.Conflict("Another scheduler has " + home + " open (" + LOCK
                    + " is locked). Stop the other control plane first, or use another data directory.");
        }
        ProcessScheduler scheduler = new ProcessScheduler(home, options, channel, lock);
        scheduler.adoptAll();
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
            long counted = tracked.values().stream()
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
        Path dir = instancesDir.resolve(id.value());
        Optional<String> problem = InstanceCommand.artifactProblem(spec.artifact());
        InstanceRecord record;
        synchronized (changes) {
            Optional<Address> address = problem.isPresent()
                    ? Optional.empty()
                    : Optional.of(new Address(options.host(), ports.allocate(portsInUse())));
            record = InstanceRecord.starting(id, spec, address, options.clock().instant());
            try {
                deleteTree(dir); // leftovers of a forget that did not finish
                Files.createDirectories(dir);
                // Written before the process exists: if we die right after starting it, the next
                // control plane finds the record and adopts the process by its marker.
                record.write(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the record of instance " + id + " in " + dir, e);
            }
            tracked.put(id, new Tracked(record, Optional.empty(), false));
        }
        if (problem.isPresent()) {
            failedToStart(id, problem.get());
            return observed(id);
        }
        Process process;
        try {
            int port = record.address().orElseThrow().port();
            process = InstanceCommand.of(spec, id, options.java(), marker, port, dir).start();
        } catch (IOException | RuntimeException e) {
            failedToStart(id, "running " + options.java() + " failed: " + e.getMessage());
            return observed(id);
        }
        ProcessHandle handle = process.toHandle();
        Tracked attached = change(id, t -> new Tracked(t.record().withPid(handle.pid()), Optional.of(handle), false));
        process.onExit().thenAccept(done -> exited(id, done.exitValue()));
        if (attached != null && attached.record().stopRequested()) {
            terminate(attached); // a stop that came in while the process was being started
        }
        return observed(id);
    }

    private ObservedInstance observed(InstanceId id) {
        return tracked.get(id).record().observed();
    }

    private void failedToStart(InstanceId id, String why) {
        String reason = ExitReason.couldNotStart(why);
        try {
            new InstanceLog(instancesDir.resolve(id.value())).appendLine("apollo: " + reason);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not write to the log of instance " + id, e);
        }
        Exit exit = new Exit(Exit.UNKNOWN_CODE, reason, options.clock().instant());
        change(id, t -> t.withRecord(t.record().withExit(Optional.of(exit))));
    }

    private void exited(InstanceId id, int code) {
        if (closed) {
            return; // no longer ours to judge: the next scheduler on this directory does it on open
        }
        change(id, t -> {
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
        Tracked stopping = change(id, t -> t.record().running() && !t.record().stopRequested()
                ? t.withRecord(t.record().withStopRequested(deadline))
                : t);
        if (stopping != null && stopping.record().running()) {
            terminate(stopping);
        }
    }

    @Override
    public void retire(ReleaseId release, Duration grace) {
        Objects.requireNonNull(release, "release");
        List<InstanceId> running = tracked.values().stream()
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
        return tracked.values().stream()
                .map(t -> t.record().observed())
                .sorted(Comparator.comparing(ObservedInstance::id))
                .toList();
    }

    @Override
    public void forget(InstanceId id) {
        Objects.requireNonNull(id, "id");
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
                deleteTree(instancesDir.resolve(id.value()));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Could not delete the directory of forgotten instance " + id
                        + "; it is removed when the id is launched again or can be deleted by hand.", e);
            }
        }
    }

    @Override
    public LogPage readLog(InstanceId id, LogCursor from, int maxBytes) {
        Objects.requireNonNull(from, "from");
        if (maxBytes < 0) {
            throw new ApolloException.Invalid("log max bytes: " + maxBytes + " (expected: >= 0)");
        }
        if (!tracked.containsKey(id)) {
            return new LogPage(new byte[0], from);
        }
        InstanceLog log = new InstanceLog(instancesDir.resolve(id.value()));
        try {
            long offset = from.equals(LogCursor.START) ? 0 : from.equals(LogCursor.END) ? log.end() : offsetOf(from);
            InstanceLog.Chunk chunk = log.read(offset, maxBytes);
            return new LogPage(chunk.bytes(), new LogCursor(Long.toString(chunk.next())));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the log of instance " + id, e);
        }
    }

    /** Our cursors are byte offsets into output.log; one past its end means it was rotated since. */
    private static long offsetOf(LogCursor cursor) {
        try {
            long offset = Long.parseLong(cursor.token());
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApolloException.Invalid("log cursor '" + cursor.token() + "' was not made by the local scheduler;"
                + " start from LogCursor.START or LogCursor.END.");
    }

    @Override
    public List<String> tailLog(InstanceId id, int lines) {
        if (lines < 0) {
            throw new ApolloException.Invalid("log lines: " + lines + " (expected: >= 0)");
        }
        if (!tracked.containsKey(id)) {
            return List.of();
        }
        try {
            return new InstanceLog(instancesDir.resolve(id.value())).tail(lines);
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
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not release " + LOCK, e);
        }
        closeQuietly(lockChannel);
    }

    // ---- adoption

    private void adoptAll() {
        Map<String, List<ProcessHandle>> live = marker.scan();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(instancesDir)) {
            dirs = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + instancesDir, e);
        }
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            List<ProcessHandle> processes = live.getOrDefault(name, List.of());
            live.remove(name);
            adopt(dir, processes);
        }
        // Whatever carries our marker but has no directory was started by a scheduler that lost
        // track of it (e.g. its directory was deleted): nobody would ever stop it otherwise.
        live.forEach((id, processes) -> processes.forEach(this::killStray));
    }

    private void adopt(Path dir, List<ProcessHandle> processes) {
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
                deleteTree(dir);
            } catch (IOException again) {
                LOG.log(Level.WARNING, "Could not remove " + dir, again);
            }
            return;
        }
        Adoption adoption = Adoption.of(record, processes, options.clock().instant());
        adoption.strays().forEach(this::killStray);
        Tracked t = new Tracked(adoption.record(), adoption.process(), true);
        tracked.put(record.id(), t);
        if (!adoption.record().equals(record)) {
            persist(dir, adoption.record());
        }
        adoption.process().ifPresent(handle -> {
            handle.onExit().thenAccept(done -> exited(record.id(), Exit.UNKNOWN_CODE));
            if (record.stopRequested()) {
                terminate(t); // resumes a stop the earlier control plane did not see through
            }
        });
    }

    private void killStray(ProcessHandle process) {
        LOG.log(Level.INFO, "Killing process " + process.pid() + ": it carries the marker of " + home
                + " but no instance record, so nobody would ever stop it.");
        new GracefulStop(Signal.TERM, STRAY_GRACE).stopLater(process, timer);
    }

    // ---- background work

    // Catches everything: one uncaught exception would cancel the periodic task for good.
    private void housekeep() {
        for (Tracked t : tracked.values()) {
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
                new InstanceLog(instancesDir.resolve(id.value()))
                        .rotateIfLarger(options.logCapBytes(), options.logFilesKept());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Housekeeping of instance " + id + " failed (log rotation or liveness check)", e);
            }
        }
    }

    // ---- state

    /** Applies a change to a known instance and persists its record; null when the id is unknown. */
    private Tracked change(InstanceId id, UnaryOperator<Tracked> how) {
        synchronized (changes) {
            Tracked before = tracked.get(id);
            if (before == null) {
                return null;
            }
            Tracked after = how.apply(before);
            tracked.put(id, after);
            if (!after.record().equals(before.record())) {
                persist(instancesDir.resolve(id.value()), after.record());
            }
            return after;
        }
    }

    private static void persist(Path dir, InstanceRecord record) {
        try {
            record.write(dir);
        } catch (IOException e) {
            // The state in memory stays right; only a later control plane could misjudge.
            LOG.log(Level.WARNING, "Could not update the record of instance " + record.id() + " in " + dir, e);
        }
    }

    private Set<Integer> portsInUse() {
        return tracked.values().stream()
                .filter(t -> t.record().running())
                .flatMap(t -> t.record().address().stream())
                .map(Address::port)
                .collect(Collectors.toSet());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The process scheduler on " + home + " is closed.");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Ignoring a failure to close " + closeable, e);
        }
    }
}
