package dev.apollo.server.control;

import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import java.time.Duration;
import java.time.Instant;
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
    private final Map<ReleaseId, Instant> interrupted = new HashMap<>();

    DeployProgress(DesiredState desired, Instances instances, Runnable publishRoutes, Duration rollbackWindow) {
        this.desired = desired;
        this.instances = instances;
        this.publishRoutes = publishRoutes;
        this.rollbackWindow = rollbackWindow;
    }

    /**
     * Picks up the deploys an earlier control plane left in progress. A deploy's deadline counts time
     * the platform could watch it; one that ran out (or nearly) while no control plane was there gets
     * the time to check its instances again, and says so, rather than failing before any check.
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
            if (release.deadline().isBefore(earliest)) {
                Release moved = release.withDeadline(earliest, now);
                resumed.add(moved);
                interrupted.put(release.id(), now);
                events.add(Event.of(now, EventType.DEPLOY_RESUMED, moved, "the control plane restarted with "
                        + release.describe() + " in progress; its deadline moves from " + release.deadline() + " to "
                        + earliest + " so that its instances can be checked again", -1, -1));
            }
        }
        if (!resumed.isEmpty()) {
            desired.commit(resumed, events);
        }
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

    /** Why a deploy failed, saying when an outage of the control plane interrupted it. */
    private String reason(Release release, String why) {
        Instant at = interrupted.get(release.id());
        return at == null ? why : why + " (a control-plane restart at " + at + " interrupted the deploy; its deadline was"
                + " moved then to give its instances time to be checked again)";
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
                case DeployEvaluator.Step.Fail fail -> commit(DeployEvaluator.fail(release, reason(release, fail.reason()),
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
            commit(DeployEvaluator.fail(testbed, reason(testbed, fail.reason()), instances.failureLog(testbed.id()),
                    instances.serving(testbed.id()), healthy, now));
        }
    }

    private void commit(DeployEvaluator.Outcome outcome) {
        desired.commit(outcome.releases(), outcome.events());
    }
}
