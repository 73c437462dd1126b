package dev.apollo.core.deploy;

import static dev.apollo.core.Fixtures.T0;
import static dev.apollo.core.Fixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeployEvaluatorTest {
    private final Release live = release(1, "web-service:1.0.0", 3, ReleaseState.LIVE);
    private final Release next = release(2, "web-service:2.0.0", 3, ReleaseState.DEPLOYING);

    @Test
    void waitsWhileInstancesAreStillComingUp() {
        assertThat(DeployEvaluator.evaluate(next, 2, Backoff.none(), "", T0.plusSeconds(5)))
                .isEqualTo(new DeployEvaluator.Step.Wait());
    }

    @Test
    void succeedsOnceEveryInstanceIsHealthyAndReplacesTheLiveRelease() {
        assertThat(DeployEvaluator.evaluate(next, 3, Backoff.none(), "", T0.plusSeconds(5)))
                .isEqualTo(new DeployEvaluator.Step.Succeed());

        DeployEvaluator.Outcome outcome = DeployEvaluator.succeed(next, Optional.of(live), Optional.empty(), false, 3,
                T0.plusSeconds(5));

        assertThat(outcome.releases()).extracting(Release::id, Release::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(next.id(), ReleaseState.LIVE),
                org.assertj.core.groups.Tuple.tuple(live.id(), ReleaseState.REPLACED));
        assertThat(outcome.releases().get(1).reason()).isEqualTo("replaced by r2 (2.0.0)");
        assertThat(outcome.events()).extracting(e -> e.type())
                .containsExactly(EventType.RELEASE_REPLACED, EventType.TRAFFIC_SWITCHED, EventType.DEPLOY_SUCCEEDED);
    }

    @Test
    void theReplacedReleaseIsKeptWarmForRollbackAndAnOlderWarmOneIsRetired() {
        Release older = release(0 + 7, "web-service:0.9.0", 3, ReleaseState.PREVIOUS);

        DeployEvaluator.Outcome outcome = DeployEvaluator.succeed(next, Optional.of(live), Optional.of(older), true, 3, T0);

        assertThat(outcome.releases()).extracting(Release::id, Release::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(next.id(), ReleaseState.LIVE),
                org.assertj.core.groups.Tuple.tuple(older.id(), ReleaseState.REPLACED),
                org.assertj.core.groups.Tuple.tuple(live.id(), ReleaseState.PREVIOUS));
    }

    @Test
    void aDeployOfZeroInstancesSucceedsAtOnce() {
        Release none = release(3, "web-service:3.0.0", 0, ReleaseState.DEPLOYING);
        assertThat(DeployEvaluator.evaluate(none, 0, Backoff.none(), "", T0)).isEqualTo(new DeployEvaluator.Step.Succeed());
    }

    @Test
    void failsAtTheDeadlineSayingHowFarItGotAndWhy() {
        DeployEvaluator.Step step = DeployEvaluator.evaluate(next, 1, Backoff.none(),
                "instance web-service-1 exited with code 1", T0.plusSeconds(60));

        assertThat(step).isEqualTo(new DeployEvaluator.Step.Fail(
                "1 of 3 instances became healthy within the 60s deadline. Last failure: instance web-service-1 exited with code 1"));
    }

    @Test
    void failsEarlyWhenInstancesCrashOverAndOverWithoutOneBecomingHealthy() {
        Backoff crashing = Backoff.none();
        for (int i = 0; i < DeployEvaluator.CRASH_LOOP_LIMIT - 1; i++) {
            crashing = crashing.afterFailure(T0);
        }
        assertThat(DeployEvaluator.evaluate(next, 0, crashing, "exit 1", T0)).isEqualTo(new DeployEvaluator.Step.Wait());

        crashing = crashing.afterFailure(T0);
        assertThat(DeployEvaluator.evaluate(next, 0, crashing, "exit 1", T0))
                .isInstanceOf(DeployEvaluator.Step.Fail.class);
        assertThat(DeployEvaluator.evaluate(next, 1, crashing, "exit 1", T0)).isEqualTo(new DeployEvaluator.Step.Wait());
    }

    @Test
    void aFailedDeployCarriesTheLastOutputInItsEventButNotInTheRelease() {
        DeployEvaluator.Outcome outcome = DeployEvaluator.fail(next, "never healthy", List.of("Exception in main", "  at X"),
                0, 0, T0);

        assertThat(outcome.releases()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ReleaseState.FAILED);
            assertThat(r.reason()).isEqualTo("never healthy");
        });
        assertThat(outcome.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.DEPLOY_FAILED);
            assertThat(e.message()).contains("never healthy", "Last output of the failing instance:", "  Exception in main");
        });
    }
}
