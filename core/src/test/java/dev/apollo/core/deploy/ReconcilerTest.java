package dev.apollo.core.deploy;

import static dev.apollo.core.Fixtures.T0;
import static dev.apollo.core.Fixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.health.Health;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    private final Release live = release(1, "web-service:1.0.0", 3, ReleaseState.LIVE);

    private static Member member(String id, long release, Health health, int startedSecond) {
        return new Member(new InstanceId(id), new ReleaseId(release), health, T0.plusSeconds(startedSecond), "");
    }

    @Test
    void launchesWhatIsMissing() {
        Reconciler.Plan plan = Reconciler.plan(List.of(live), List.of(member("a", 1, Health.HEALTHY, 0)), Map.of(), T0);

        assertThat(plan.launches()).containsExactly(new Reconciler.Launch(live, 2));
        assertThat(plan.stops()).isEmpty();
    }

    @Test
    void aConvergedReleaseNeedsNothing() {
        List<Member> running = List.of(member("a", 1, Health.HEALTHY, 0), member("b", 1, Health.STARTING, 1),
                member("c", 1, Health.HEALTHY, 2));
        assertThat(Reconciler.plan(List.of(live), running, Map.of(), T0).isEmpty()).isTrue();
    }

    @Test
    void scaleDownStopsStartingInstancesFirstThenTheNewestHealthyOnes() {
        Release one = live.withInstances(1, T0);
        List<Member> running = List.of(member("old", 1, Health.HEALTHY, 0), member("new", 1, Health.HEALTHY, 5),
                member("booting", 1, Health.STARTING, 9));

        Reconciler.Plan plan = Reconciler.plan(List.of(one), running, Map.of(), T0);

        assertThat(plan.stops()).extracting(s -> s.id().value()).containsExactlyInAnyOrder("booting", "new");
        assertThat(plan.launches()).isEmpty();
    }

    @Test
    void unhealthyInstancesAreStoppedAndReplacedInTheSamePlan() {
        List<Member> running = List.of(member("a", 1, Health.HEALTHY, 0), member("b", 1, Health.HEALTHY, 0),
                member("sick", 1, Health.UNHEALTHY, 0));

        Reconciler.Plan plan = Reconciler.plan(List.of(live), running, Map.of(), T0);

        assertThat(plan.stops()).extracting(s -> s.id().value()).containsExactly("sick");
        assertThat(plan.launches()).containsExactly(new Reconciler.Launch(live, 1));
    }

    @Test
    void aNotReadyInstanceIsKeptAndCountsAsOneOfTheRelease() {
        List<Member> running = List.of(member("a", 1, Health.HEALTHY, 0), member("b", 1, Health.HEALTHY, 0),
                member("busy", 1, Health.NOT_READY, 0));

        assertThat(Reconciler.plan(List.of(live), running, Map.of(), T0).isEmpty()).isTrue();
    }

    @Test
    void backOffHoldsLaunchesUntilItsTime() {
        Map<ReleaseId, Backoff> backoffs = Map.of(live.id(), Backoff.none().afterFailure(T0).afterFailure(T0));

        assertThat(Reconciler.plan(List.of(live), List.of(), backoffs, T0.plusSeconds(1)).launches()).isEmpty();
        assertThat(Reconciler.plan(List.of(live), List.of(), backoffs, T0.plusSeconds(2)).launches())
                .containsExactly(new Reconciler.Launch(live, 3));
    }

    @Test
    void instancesOfInactiveOrUnknownReleasesAreStopped() {
        List<Member> running = List.of(member("orphan", 7, Health.HEALTHY, 0));

        Reconciler.Plan plan = Reconciler.plan(List.of(), running, Map.of(), T0);

        assertThat(plan.stops()).containsExactly(new Reconciler.Stop(new InstanceId("orphan"), "release r7 is no longer active"));
    }

    @Test
    void aDeployingReleaseRunsBesideTheLiveOne() {
        Release next = release(2, "web-service:2.0.0", 2, ReleaseState.DEPLOYING);
        List<Member> running = List.of(member("a", 1, Health.HEALTHY, 0), member("b", 1, Health.HEALTHY, 0),
                member("c", 1, Health.HEALTHY, 0));

        Reconciler.Plan plan = Reconciler.plan(List.of(live, next), running, Map.of(), T0);

        assertThat(plan.launches()).containsExactly(new Reconciler.Launch(next, 2));
        assertThat(plan.stops()).isEmpty();
    }
}
