package dev.apollo.testkit;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Scheduler} in memory, for testing the control plane without processes: instances
 * "run" at made-up addresses from the moment they are started, and the test decides when they
 * crash. It passes {@link SchedulerContract}, so what the control plane learns against it holds
 * for a real backend.
 *
 * <p>Its state outlives {@link #close()}: a scheduler {@linkplain #reopened() reopened} on the same
 * instance adopts what ran, as a restarted control plane's would.
 */
public final class FakeScheduler implements Scheduler {
    /** An artifact URI with this scheme "cannot start": its instances exit at once. */
    public static final String BROKEN_SCHEME = "broken";

    private final Clock clock;
    private final AtomicInteger nextPort = new AtomicInteger(20_000);
    private final Map<InstanceId, Fake> instances = new TreeMap<>();
    private final Set<InstanceId> forgotten = new HashSet<>();
    private boolean closed;
    private boolean stopsHeld;

    /** One instance: what the port reports, plus what only the fake knows. */
    private record Fake(ObservedInstance observed, Map<String, String> variables, List<String> arguments,
            ByteArrayOutputStream output) {
        Fake with(ObservedInstance newObserved) {
            return new Fake(newObserved, variables, arguments, output);
        }
    }

    public FakeScheduler(Clock clock) {
        this.clock = clock;
    }

    /** The next scheduler on the same state, as a restarted control plane opens it. */
    public synchronized FakeScheduler reopened() {
        FakeScheduler next = new FakeScheduler(clock);
        next.nextPort.set(nextPort.get());
        next.instances.putAll(instances);
        return next;
    }

    @Override
    public Set<ArtifactKind> runs() {
        return Set.of(ArtifactKind.JAR);
    }

    @Override
    public synchronized List<ObservedInstance> ensure(ReleaseSpec release, int count) {
        requireOpen();
        if (!runs().contains(release.kind())) {
            throw new ApolloException.Invalid("the fake scheduler runs executable jars, not " + release.kind().description());
        }
        long counted = instances.values().stream()
                .map(Fake::observed)
                .filter(o -> o.release().equals(release.id()) && o.running() && !o.stopRequested())
                .count();
        List<ObservedInstance> started = new ArrayList<>();
        for (long i = counted; i < count; i++) {
            started.add(start(release));
        }
        return List.copyOf(started);
    }

    private ObservedInstance start(ReleaseSpec release) {
        InstanceId id = InstanceId.newFor(release.service());
        Address address = new Address("127.0.0.1", nextPort.getAndIncrement());
        Map<String, String> own = Map.of("APOLLO_INSTANCE_ID", id.value(), "PORT", Integer.toString(address.port()));
        List<String> arguments = release.arguments().stream()
                .map(argument -> ReleaseSpec.expand(argument, release.variables(), own)).toList();
        ObservedInstance observed = new ObservedInstance(id, release.id(), Optional.of(address), clock.instant(), false,
                Optional.empty());
        Fake fake = new Fake(observed, Map.copyOf(release.environmentFor(own)), arguments, new ByteArrayOutputStream());
        instances.put(id, fake);
        if (BROKEN_SCHEME.equals(release.artifact().getScheme())) {
            print(id, "cannot start " + release.artifact());
            end(id, 1, "exited with code 1");
        } else {
            print(id, "fake instance " + id + " listening on " + address);
        }
        return instances.get(id).observed();
    }

    @Override
    public synchronized void stop(InstanceId id, Duration grace) {
        Fake fake = instances.get(id);
        if (fake == null || !fake.observed().running() || fake.observed().stopRequested()) {
            return;
        }
        ObservedInstance o = fake.observed();
        instances.put(id, fake.with(new ObservedInstance(id, o.release(), o.address(), o.startedAt(), true, Optional.empty())));
        if (!stopsHeld) {
            end(id, 143, "stopped by the platform");
        }
    }

    @Override
    public synchronized void retire(ReleaseId release, Duration grace) {
        instances.values().stream().map(Fake::observed).filter(o -> o.release().equals(release)).map(ObservedInstance::id)
                .toList().forEach(id -> stop(id, grace));
    }

    @Override
    public synchronized List<ObservedInstance> instances() {
        return instances.values().stream().map(Fake::observed).toList();
    }

    @Override
    public synchronized void forget(InstanceId id) {
        Fake fake = instances.get(id);
        if (fake == null) {
            return;
        }
        if (fake.observed().running()) {
            throw new ApolloException.Conflict("instance " + id + " is still running; stop it before forgetting it.");
        }
        instances.remove(id);
        forgotten.add(id);
    }

    @Override
    public synchronized LogPage readLog(InstanceId id, LogCursor from, int maxBytes) {
        Fake fake = instances.get(id);
        if (fake == null) {
            return new LogPage(new byte[0], from);
        }
        byte[] all = fake.output().toByteArray();
        int offset = from.equals(LogCursor.START) ? 0 : from.equals(LogCursor.END) ? all.length : Integer.parseInt(from.token());
        int end = Math.min(all.length, offset + maxBytes);
        return new LogPage(Arrays.copyOfRange(all, Math.min(offset, end), end), new LogCursor(Integer.toString(end)));
    }

    @Override
    public synchronized List<String> tailLog(InstanceId id, int lines) {
        Fake fake = instances.get(id);
        if (fake == null) {
            return List.of();
        }
        List<String> all = fake.output().toString(StandardCharsets.UTF_8).lines().toList();
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    // ---- what the test controls

    /** The instance ends by itself (a crash, an OOM kill), as nobody asked. */
    public synchronized void crash(InstanceId id, int code) {
        print(id, "crashing with code " + code);
        end(id, code, code > 128 ? "killed by signal " + (code - 128) : "exited with code " + code);
    }

    /** From now on a stop leaves the instance stopping until {@link #finishStops()}, as a slow shutdown would. */
    public synchronized void holdStops() {
        stopsHeld = true;
    }

    /** Ends every instance that was asked to stop, and lets later stops end at once again. */
    public synchronized void finishStops() {
        stopsHeld = false;
        instances.values().stream().map(Fake::observed).filter(o -> o.running() && o.stopRequested())
                .map(ObservedInstance::id).toList().forEach(id -> end(id, 143, "stopped by the platform"));
    }

    /** Adds a line to an instance's output. */
    public synchronized void print(InstanceId id, String line) {
        Fake fake = instances.get(id);
        if (fake != null) {
            fake.output().writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The variables an instance was started with. */
    public synchronized Map<String, String> variablesOf(InstanceId id) {
        return Optional.ofNullable(instances.get(id)).map(Fake::variables).orElse(Map.of());
    }

    /** The arguments an instance was started with. */
    public synchronized List<String> argumentsOf(InstanceId id) {
        return Optional.ofNullable(instances.get(id)).map(Fake::arguments).orElse(List.of());
    }

    /** Whether the instance "answers" at its address: it runs. */
    public synchronized boolean serves(InstanceId id) {
        return Optional.ofNullable(instances.get(id)).map(f -> f.observed().running()).orElse(false);
    }

    /** Instances the platform forgot, for asserting that nothing was dropped unseen. */
    public synchronized Set<InstanceId> forgotten() {
        return Set.copyOf(forgotten);
    }

    /** How many instances of each release run now. */
    public synchronized Map<ReleaseId, Long> runningByRelease() {
        Map<ReleaseId, Long> counts = new HashMap<>();
        instances.values().stream().map(Fake::observed).filter(ObservedInstance::running)
                .forEach(o -> counts.merge(o.release(), 1L, Long::sum));
        return counts;
    }

    private void end(InstanceId id, int code, String reason) {
        Fake fake = instances.get(id);
        if (fake == null || !fake.observed().running()) {
            return;
        }
        ObservedInstance o = fake.observed();
        instances.put(id, fake.with(new ObservedInstance(id, o.release(), o.address(), o.startedAt(), o.stopRequested(),
                Optional.of(new Exit(code, reason, clock.instant())))));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the fake scheduler is closed");
        }
    }
}
