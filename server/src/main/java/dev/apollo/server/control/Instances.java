package dev.apollo.server.control;

import dev.apollo.core.deploy.Backoff;
import dev.apollo.core.deploy.Exits;
import dev.apollo.core.deploy.Member;
import dev.apollo.core.health.Health;
import dev.apollo.core.health.HealthState;
import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The controller's book-keeping of instances: what the scheduler reports, what the health checks
 * say, how each release's instances have been failing (its back-off, its last failure and the
 * failing instance's last output). Touched only on the controller thread.
 */
final class Instances {
    private static final int FAILED_INSTANCES_KEPT_PER_RELEASE = 3;
    private static final int FAILURE_LOG_LINES = 20;
    private static final Set<EventType> ANNOUNCEMENTS = Set.of(EventType.INSTANCE_HEALTHY, EventType.INSTANCE_UNHEALTHY,
            EventType.INSTANCE_READY, EventType.INSTANCE_NOT_READY, EventType.INSTANCE_EXITED, EventType.INSTANCE_STOPPED);

    private final Scheduler scheduler;
    private final DesiredState desired;
    private final HealthProbe probe;
    private final Executor loop;
    private final Clock clock;
    private final Duration stopGrace;
    private final Map<InstanceId, Tracked> tracked = new LinkedHashMap<>();
    private final Map<ReleaseId, Backoff> backoffs = new HashMap<>();
    private final Map<ReleaseId, String> lastFailures = new HashMap<>();
    private final Map<ReleaseId, List<String>> failureLogs = new HashMap<>();
    /** What an earlier control plane last announced of each instance: the next one must not announce it again. */
    private final Map<InstanceId, EventType> announced = new HashMap<>();
    /** Releases whose events were read into {@link #announced}. */
    private final Set<ReleaseId> recalled = new HashSet<>();

    /** @param loop runs a probe's result on the controller thread */
    Instances(Scheduler scheduler, DesiredState desired, HealthProbe probe, Executor loop, Clock clock, Duration stopGrace) {
        this.scheduler = scheduler;
        this.desired = desired;
        this.probe = probe;
        this.loop = loop;
        this.clock = clock;
        this.stopGrace = stopGrace;
    }

    Collection<Tracked> all() {
        return tracked.values();
    }

    Tracked get(InstanceId id) {
        return tracked.get(id);
    }

    /** Takes in instances the controller started itself, announcing each. */
    void started(Release release, List<ObservedInstance> instances) {
        for (ObservedInstance launched : instances) {
            Tracked instance = new Tracked(release, launched);
            tracked.put(launched.id(), instance);
            emit(instance, EventType.INSTANCE_STARTED, "instance " + launched.id() + " started"
                    + launched.address().map(a -> " on " + a).orElse(""));
        }
    }

    /**
     * What was last announced of an instance an earlier control plane started (healthy, unhealthy,
     * exited), so that it is adopted from there: the event log stays a true log (no instance
     * announced healthy twice) and a deploy's progress never goes backwards. Any release counts, not
     * only the active ones: the instances of a release that ended just before a crash are adopted
     * too, to be stopped.
     */
    private Optional<EventType> lastAnnounced(ReleaseId release, InstanceId id) {
        if (recalled.add(release)) {
            for (Event event : desired.store().eventsOf(release)) {
                if (event.instance().isPresent() && ANNOUNCEMENTS.contains(event.type())) {
                    announced.put(event.instance().get(), event.type());
                }
            }
        }
        return Optional.ofNullable(announced.remove(id));
    }

    /** An adopted instance takes up where the last announcement about it left off. */
    private static void resume(Tracked instance, EventType last) {
        switch (last) {
            case INSTANCE_HEALTHY, INSTANCE_READY ->
                    instance.health = new HealthState(Health.HEALTHY, 0, HealthState.Readiness.READY, 0, "");
            case INSTANCE_NOT_READY ->
                    instance.health = new HealthState(Health.HEALTHY, 0, HealthState.Readiness.NOT_READY, 0, "");
            case INSTANCE_UNHEALTHY -> instance.health = new HealthState(Health.UNHEALTHY, 0, HealthState.Readiness.NOT_YET, 0,
                    "announced unhealthy before a restart");
            case INSTANCE_EXITED, INSTANCE_STOPPED -> instance.exitNoted = true;
            default -> { }
        }
    }

    /** Takes in what the scheduler reports; stops what nothing in the desired state explains. */
    void observe(Instant now) {
        Set<InstanceId> seen = new HashSet<>();
        for (ObservedInstance observed : scheduler.instances()) {
            seen.add(observed.id());
            Tracked instance = tracked.get(observed.id());
            if (instance == null) {
                Optional<Release> release = desired.store().release(observed.release());
                if (release.isEmpty()) {
                    // Nothing in the desired state explains this instance: never leave it orphaned.
                    if (observed.running()) {
                        scheduler.stop(observed.id(), stopGrace);
                    } else {
                        scheduler.forget(observed.id());
                    }
                    continue;
                }
                instance = new Tracked(release.get(), observed);
                Optional<EventType> last = lastAnnounced(observed.release(), observed.id());
                if (last.isPresent()) {
                    resume(instance, last.get());
                }
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
        if (!failed(instance)) {
            emit(instance, EventType.INSTANCE_STOPPED, "instance " + observed.id() + " stopped");
            return;
        }
        String how = observed.exit().map(ObservedInstance.Exit::reason).orElse("exited");
        String cause = instance.stoppedAsUnhealthy ? "failed its health check (" + instance.health.lastFailure() + ")" : how;
        Backoff backoff = backoff(release).afterFailure(now);
        backoffs.put(release, backoff);
        lastFailures.put(release, "instance " + observed.id() + " " + cause);
        failureLogs.put(release, scheduler.tailLog(observed.id(), FAILURE_LOG_LINES));
        emit(instance, EventType.INSTANCE_EXITED, "instance " + observed.id() + " " + cause);
        if (desired.isActive(release)) {
            long wait = Math.max(0, Duration.between(now, backoff.notBefore()).toMillis());
            emit(instance, EventType.BACKING_OFF, "failure " + backoff.streak() + " in a row; next start of "
                    + instance.release.service() + " in " + wait / 1000.0 + " s");
        }
    }

    private static boolean failed(Tracked instance) {
        return Exits.isFailure(instance.observed.stopRequested(), instance.stoppedAsUnhealthy);
    }

    /**
     * Sends the rounds of probes that are due, readiness and liveness together (one probe when
     * they are the same); each round's answers come back together on the controller thread.
     */
    void probeDue(Instant now) {
        for (Tracked instance : tracked.values()) {
            if (!instance.serving() || instance.probing || instance.observed.address().isEmpty()
                    || now.isBefore(instance.nextProbe)) {
                continue;
            }
            instance.probing = true;
            InstanceId id = instance.observed.id();
            Address address = instance.observed.address().get();
            HealthCheck check = instance.release.health();
            CompletableFuture<ProbeResult> alive = probe.probe(address, check.liveness(), check.timeout());
            CompletableFuture<ProbeResult> ready = check.sameProbe() ? alive : probe.probe(address, check.readiness(), check.timeout());
            ready.thenAcceptBoth(alive, (readiness, liveness) -> loop.execute(() -> onProbe(id, readiness, liveness)));
        }
    }

    private void onProbe(InstanceId id, ProbeResult readiness, ProbeResult liveness) {
        Tracked instance = tracked.get(id);
        if (instance == null) {
            return;
        }
        instance.probing = false;
        if (!instance.serving()) {
            return;
        }
        Instant now = clock.instant();
        HealthCheck check = instance.release.health();
        HealthState before = instance.health;
        instance.health = before.after(readiness, liveness, now, instance.observed.startedAt(), check);
        instance.nextProbe = instance.health.nextProbe(now, instance.observed.startedAt(), check);
        announce(instance, before, instance.health);
    }

    /** Events for the changes that matter to whoever watches: traffic gained or lost, a replacement coming. */
    private void announce(Tracked instance, HealthState before, HealthState after) {
        InstanceId id = instance.observed.id();
        if (before.health() == after.health()) {
            return;
        }
        switch (after.health()) {
            case HEALTHY -> {
                backoffs.computeIfPresent(instance.release.id(), (release, backoff) -> backoff.afterHealthy());
                if (before.readiness() == HealthState.Readiness.NOT_READY) {
                    emit(instance, EventType.INSTANCE_READY, "instance " + id + " is ready again; back in the route table");
                } else {
                    emit(instance, EventType.INSTANCE_HEALTHY, "instance " + id + " is healthy");
                }
            }
            case NOT_READY -> {
                if (before.health() == Health.HEALTHY) {
                    emit(instance, EventType.INSTANCE_NOT_READY, "instance " + id + " is not ready: " + after.lastFailure()
                            + "; out of the route table until it passes again (not restarted)");
                }
            }
            case UNHEALTHY -> emit(instance, EventType.INSTANCE_UNHEALTHY, "instance " + id + " is unhealthy: " + after.lastFailure());
            case STARTING -> { }
        }
    }

    /** Forgets exited instances, keeping the last few failed ones per release for status and logs. */
    void pruneExited() {
        Map<ReleaseId, List<Tracked>> failedByRelease = new HashMap<>();
        for (Tracked instance : List.copyOf(tracked.values())) {
            if (instance.running() || !instance.exitNoted) {
                continue;
            }
            if (failed(instance)) {
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

    /** Running instances not asked to stop and not draining, as the reconciler sees them. */
    List<Member> members() {
        return tracked.values().stream()
                .filter(Tracked::serving)
                .map(t -> new Member(t.observed.id(), t.release.id(), t.health.health(), t.observed.startedAt(),
                        t.health.lastFailure()))
                .toList();
    }

    /** Instances of a release the scheduler counts as wanted: running and not asked to stop (draining included). */
    int wanted(ReleaseId release) {
        return (int) tracked.values().stream()
                .filter(t -> t.release.id().equals(release) && t.running() && !t.observed.stopRequested())
                .count();
    }

    int serving(ReleaseId release) {
        return (int) tracked.values().stream().filter(t -> t.release.id().equals(release) && t.serving()).count();
    }

    int healthy(ReleaseId release) {
        return (int) tracked.values().stream().filter(t -> t.release.id().equals(release) && t.healthy()).count();
    }

    Map<ReleaseId, Backoff> backoffs() {
        return Map.copyOf(backoffs);
    }

    Backoff backoff(ReleaseId release) {
        return backoffs.getOrDefault(release, Backoff.none());
    }

    /** A release's artifact could not be had: counts as a failure of the release, with back-off. */
    void cannotStart(ReleaseId release, String why, Instant now) {
        backoffs.put(release, backoff(release).afterFailure(now));
        lastFailures.put(release, why);
    }

    /** Why a release's instances are failing: the newest exit, else the newest failed health check. */
    String lastFailure(ReleaseId release) {
        return lastFailures.getOrDefault(release, tracked.values().stream()
                .filter(t -> t.release.id().equals(release) && t.serving() && t.failure().isPresent())
                .map(t -> "instance " + t.observed.id() + ": " + t.health.lastFailure())
                .reduce((first, second) -> second)
                .orElse(""));
    }

    List<String> failureLog(ReleaseId release) {
        return failureLogs.getOrDefault(release, List.of());
    }

    void emit(Tracked instance, EventType type, String message) {
        Release release = instance.release;
        desired.emit(Event.ofInstance(clock.instant(), type, release, instance.observed.id(), message, serving(release.id()),
                healthy(release.id())));
    }

    Snapshot snapshot(List<Release> active) {
        return new Snapshot(List.copyOf(active), tracked.values().stream().map(Tracked::status).toList(),
                Map.copyOf(backoffs), Map.copyOf(lastFailures));
    }
}
