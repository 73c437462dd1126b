package dev.apollo.core.health;

import static dev.apollo.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.HealthCheck;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private final HealthCheck check = new HealthCheck("/health/is_alive", Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofSeconds(1), 3);

    @Test
    void failuresDuringGraceAreRememberedButNotCounted() {
        HealthState state = HealthState.starting()
                .afterFailure("connection refused", T0.plusSeconds(1), T0, check)
                .afterFailure("connection refused", T0.plusSeconds(2), T0, check)
                .afterFailure("connection refused", T0.plusSeconds(3), T0, check);

        assertThat(state.health()).isEqualTo(Health.STARTING);
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(state.lastFailure()).isEqualTo("connection refused");
    }

    @Test
    void thresholdFailuresInARowAfterGraceMakeAnInstanceUnhealthy() {
        HealthState state = HealthState.starting();
        for (int i = 0; i < 2; i++) {
            state = state.afterFailure("answered 500", T0.plusSeconds(11 + i), T0, check);
        }
        assertThat(state.health()).isEqualTo(Health.STARTING);

        state = state.afterFailure("answered 500", T0.plusSeconds(13), T0, check);
        assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void aSuccessResetsTheStreak() {
        HealthState state = HealthState.starting().afterSuccess()
                .afterFailure("timed out", T0.plusSeconds(20), T0, check)
                .afterFailure("timed out", T0.plusSeconds(22), T0, check)
                .afterSuccess()
                .afterFailure("timed out", T0.plusSeconds(26), T0, check)
                .afterFailure("timed out", T0.plusSeconds(28), T0, check);

        assertThat(state.health()).isEqualTo(Health.HEALTHY);
        assertThat(state.consecutiveFailures()).isEqualTo(2);
    }

    @Test
    void aHealthyInstanceFailingDuringWhatWasItsGraceStillCounts() {
        HealthState state = HealthState.starting().afterSuccess();
        for (int i = 0; i < 3; i++) {
            state = state.afterFailure("refused", T0.plusSeconds(1 + i), T0, check);
        }
        assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void startingInstancesAreProbedFastAndHealthyOnesAtTheInterval() {
        assertThat(HealthState.starting().nextProbe(T0, check)).isEqualTo(T0.plusMillis(100));
        assertThat(HealthState.starting().afterSuccess().nextProbe(T0, check)).isEqualTo(T0.plusSeconds(2));
    }
}
