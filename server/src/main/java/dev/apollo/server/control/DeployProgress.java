package dev.apollo.server.control;

import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carries deploys and testbeds through to their end: asks {@link DeployEvaluator} about each on
 * every pass of the loop and writes the switch or the failure it decides. Runs on the controller
 * thread.
 */
final class DeployProgress {
    private final DesiredState desired;
    private final Instances instances;
    private final Runnable publishRoutes;
    private final Duration rollbackWindow;
    private static final Duration MIN_RECHECK = Duration.ofSeconds(10);

    private final Set<ReleaseId> readyTestbeds = new HashSet<>();
    private final Map<ReleaseId, Interruption> interrupted = new HashMap<>();

    DeployProgress(DesiredState desired, Instances instances, Runnable publishRoutes, Duration rollbackWindow) {
        this.desired = desired;
        this.instances = instances;
        this.publishRoutes = publishRoutes;
        this.rollbackWindow = rollbackWindow;
    }

    /**
     * Picks up the deploys an earlier control plane left in progress, each announced as resumed. A deploy's
     * deadline counts time the platform could watch it: one that ran out (or nearly) while no control plane
     * was there gets the time to check its instances again rather than failing before any check, and if it
     * fails after all, its reason says that the control plane was down.
     */
    void load(Instant now) {
        List<Release> resumed = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (Release release : desired.active()) {
            if (release.state() == ReleaseState.TESTBED && announcedReady(release)) {
                readyTestbeds.add(release.id());
                continue;
            }
            if (release.state() != ReleaseState.DEPLOYING && release.state() != ReleaseState.TESTBED) {
                continue;
            }
            Instant earliest = now.plus(recheck(release));
            boolean move = release.deadline().isBefore(earliest);
            Interruption interruption = new Interruption(now, release.deadline(), move ? earliest : null);
            interrupted.put(release.id(), interruption);
            Release moved = (move ? release.withDeadline(earliest, now) : release)
                    .withState(release.state(), now, interruption.describe());
            resumed.add(moved);
            events.add(Event.of(now, EventType.DEPLOY_RESUMED, moved, release.describe() + " resumed: "
                    + interruption.describe(), -1, -1));
        }
        if (!resumed.isEmpty()) {
            desired.commit(resumed, events);
        }
    }

    /**
     * What a starting control plane found of a deploy in progress.
     *
     * @param deadline the deadline the deploy had then
     * @param movedTo where it moved, past the outage, or null if it was left as it was
     */
    private record Interruption(Instant restartedAt, Instant deadline, Instant movedTo) {
        String describe() {
            return movedTo == null
                    ? "the control plane was down during the deploy and restarted at " + time(restartedAt)
                            + "; its deadline stays at " + time(deadline)
                    : "the control plane was down when the deploy's deadline (" + time(deadline) + ") passed; restarted at "
                            + time(restartedAt) + ", it checks the instances again until " + time(movedTo);
        }
    }

    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private boolean announcedReady(Release testbed) {
        return desired.store().eventsOf(testbed.id()).stream().anyMatch(e -> e.type() == EventType.DEPLOY_SUCCEEDED);
    }

    /** Long enough for an adopted instance to be found healthy, or a replacement to start and pass its checks. */
    private static Duration recheck(Release release) {
        Duration checks = release.health().grace().plus(release.health().interval().multipliedBy(
                release.health().failureThreshold() + 1L));
        return checks.compareTo(MIN_RECHECK) < 0 ? MIN_RECHECK : checks;
    }

    /**
     * Why a deploy failed, saying when an outage of the control plane interrupted it. A deadline moved past
     * the outage is not the one the deploy asked for, so that failure is told as what happened instead.
     */
    private String reason(Release release, int healthy, Instant now, String why) {
        Interruption interruption = interrupted.get(release.id());
        if (interruption == null) {
            return why;
        }
        if (interruption.movedTo() != null && !now.isBefore(release.deadline())) {
            String last = instances.lastFailure(release.id());
            return healthy + " of " + release.instances() + " instances became healthy: the control plane was down when the"
                    + " deploy's deadline (" + time(interruption.deadline()) + ") passed; restarted at "
                    + time(interruption.restartedAt()) + ", it checked the instances again until " + time(release.deadline())
                    + " in vain." + (last.isBlank() ? "" : " Last failure: " + last);
        }
        return why + " (" + interruption.describe() + ")";
    }

    void evaluate(Instant now) {
        for (Release release : List.copyOf(desired.active())) {
            if (release.state() == ReleaseState.TESTBED && !readyTestbeds.contains(release.id())) {
                evaluateTestbed(release, now);
            }
            if (release.state() != ReleaseState.DEPLOYING) {
                continue;
            }
            int healthy = instances.healthy(release.id());
            switch (DeployEvaluator.evaluate(release, healthy, instances.backoff(release.id()),
                    instances.lastFailure(release.id()), now)) {
                case DeployEvaluator.Step.Succeed succeed -> {
                    commit(DeployEvaluator.succeed(release,
                            desired.find(release.environment(), release.service(), ReleaseState.LIVE),
                            desired.find(release.environment(), release.service(), ReleaseState.PREVIOUS),
                            rollbackWindow.isPositive(), healthy, now));
                    publishRoutes.run(); // the switch reaches the gateways now, not at the next tick
                }
                case DeployEvaluator.Step.Fail fail -> commit(DeployEvaluator.fail(release, reason(release, healthy, now, fail.reason()),
                        instances.failureLog(release.id()), instances.serving(release.id()), healthy, now));
                case DeployEvaluator.Step.Wait wait -> { }
            }
        }
    }

    private void evaluateTestbed(Release testbed, Instant now) {
        int healthy = instances.healthy(testbed.id());
        if (healthy >= testbed.instances()) {
            readyTestbeds.add(testbed.id());
            desired.emitNow(Event.of(now, EventType.DEPLOY_SUCCEEDED, testbed, "testbed " + testbed.describe()
                    + " is ready with " + healthy + " healthy instances; reach it with the header X-Apollo-Testbed: "
                    + testbed.service(), healthy, healthy));
            return;
        }
        if (DeployEvaluator.evaluate(testbed, healthy, instances.backoff(testbed.id()), instances.lastFailure(testbed.id()),
                now) instanceof DeployEvaluator.Step.Fail fail) {
            commit(DeployEvaluator.fail(testbed, reason(testbed, healthy, now, fail.reason()), instances.failureLog(testbed.id()),
                    instances.serving(testbed.id()), healthy, now));
        }
    }

    private void commit(DeployEvaluator.Outcome outcome) {
        desired.commit(outcome.releases(), outcome.events());
    }
}
