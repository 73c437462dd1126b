package dev.apollo.core.deploy;

import static dev.apollo.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithEachFailureInARowUpToTheCap() {
        Backoff backoff = Backoff.none();
        Instant now = T0;
        long[] expectedSeconds = {1, 2, 4, 8, 16, 32, 60, 60};
        for (long expected : expectedSeconds) {
            backoff = backoff.afterFailure(now);
            assertThat(backoff.notBefore()).isEqualTo(now.plusSeconds(expected));
            now = backoff.notBefore();
        }
        assertThat(backoff.restarts()).isEqualTo(expectedSeconds.length);
    }

    @Test
    void aHealthyInstanceEndsTheStreakButNotTheRestartCount() {
        Backoff backoff = Backoff.none().afterFailure(T0).afterFailure(T0).afterHealthy();
        assertThat(backoff.streak()).isZero();
        assertThat(backoff.restarts()).isEqualTo(2);
        assertThat(backoff.allowsLaunchAt(T0)).isTrue();
        assertThat(backoff.afterFailure(T0).notBefore()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void launchesWaitUntilTheDelayHasPassed() {
        Backoff backoff = Backoff.none().afterFailure(T0).afterFailure(T0);
        assertThat(backoff.allowsLaunchAt(T0.plusMillis(1999))).isFalse();
        assertThat(backoff.backingOffAt(T0.plusMillis(1999))).isTrue();
        assertThat(backoff.allowsLaunchAt(T0.plusSeconds(2))).isTrue();
    }
}
