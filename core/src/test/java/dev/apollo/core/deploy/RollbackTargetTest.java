package dev.apollo.core.deploy;

import static dev.apollo.core.Fixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackTargetTest {
    private final Release live = release(5, "web-service:2.0.0", 3, ReleaseState.LIVE);
    private final Release previous = release(4, "web-service:1.0.0", 3, ReleaseState.PREVIOUS);

    @Test
    void withinTheWindowItSwitchesToTheWarmRelease() {
        assertThat(RollbackTarget.of(live, Optional.of(previous), 3, List.of(live, previous)))
                .isEqualTo(new RollbackTarget.Switch(previous));
    }

    @Test
    void aWarmReleaseWithNoHealthyInstanceIsRedeployedInstead() {
        assertThat(RollbackTarget.of(live, Optional.of(previous), 0, List.of(live, previous)))
                .isEqualTo(new RollbackTarget.Redeploy(previous));
    }

    @Test
    void afterTheWindowItRedeploysTheNewestEarlierReleaseOfAnotherVersion() {
        Release sameVersionScale = release(3, "web-service:2.0.0", 2, ReleaseState.REPLACED);
        Release failed = release(2, "web-service:1.5.0", 3, ReleaseState.FAILED);
        Release replaced = release(1, "web-service:1.0.0", 3, ReleaseState.REPLACED);

        assertThat(RollbackTarget.of(live, Optional.empty(), 0, List.of(live, sameVersionScale, failed, replaced)))
                .isEqualTo(new RollbackTarget.Redeploy(replaced));
    }

    @Test
    void aReleaseNewerThanTheLiveOneIsNeverATarget() {
        Release newerReplaced = release(6, "web-service:3.0.0", 3, ReleaseState.REPLACED);

        assertThatThrownBy(() -> RollbackTarget.of(live, Optional.empty(), 0, List.of(newerReplaced, live)))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("no earlier release to roll back to")
                .hasMessageContaining("apollo history web-service");
    }
}
