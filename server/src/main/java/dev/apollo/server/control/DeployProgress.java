package dev.apollo.server.control;

import dev.apollo.core.deploy.DeployEvaluator;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
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
    private final Set<ReleaseId> readyTestbeds = new HashSet<>();

    DeployProgress(DesiredState desired, Instances instances, Runnable publishRoutes, Duration rollbackWindow) {
        this.desired = desired;
        this.instances = instances;
        this.publishRoutes = publishRoutes;
        this.rollbackWindow = rollbackWindow;
    }

    /** Testbeds from before a restart already announced themselves; they must not fail on the old deadline. */
    void load() {
        desired.active().stream().filter(r -> r.state() == ReleaseState.TESTBED).forEach(r -> readyTestbeds.add(r.id()));
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
                case DeployEvaluator.Step.Fail fail -> commit(DeployEvaluator.fail(release, fail.reason(),
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
            commit(DeployEvaluator.fail(testbed, fail.reason(), instances.failureLog(testbed.id()),
                    instances.serving(testbed.id()), healthy, now));
        }
    }

    private void commit(DeployEvaluator.Outcome outcome) {
        desired.commit(outcome.releases(), outcome.events());
    }
}
