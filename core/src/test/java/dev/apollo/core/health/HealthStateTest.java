package dev.apollo.core.health;

import static dev.apollo.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.health.HealthState.Readiness;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Probe;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private static final Probe ALIVE = new Probe.Http("/health/is_alive");
    private static final Probe READY = new Probe.Http("/ready");
    private static final ProbeResult PASS = ProbeResult.ok();

    private static ProbeResult fail(String why) {
        return ProbeResult.failed(why);
    }

    /** One probe for both, as every deploy had before readiness was told apart: the rules did not change. */
    @Nested
    class OneProbeForBoth {
        private final HealthCheck check = new HealthCheck(ALIVE, ALIVE, Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(1), 3);

        private HealthState passes(HealthState state) {
            return state.after(PASS, PASS, T0, T0, check);
        }

        private HealthState fails(HealthState state, String why, Instant at) {
            return state.after(fail(why), fail(why), at, T0, check);
        }

        @Test
        void failuresDuringGraceAreRememberedButNotCounted() {
            HealthState state = HealthState.starting();
            for (int i = 1; i <= 3; i++) {
                state = fails(state, "connection refused", T0.plusSeconds(i));
            }

            assertThat(state.health()).isEqualTo(Health.STARTING);
            assertThat(state.consecutiveFailures()).isZero();
            assertThat(state.lastFailure()).isEqualTo("connection refused");
        }

        @Test
        void thresholdFailuresInARowAfterGraceMakeAnInstanceUnhealthy() {
            HealthState state = HealthState.starting();
            for (int i = 0; i < 2; i++) {
                state = fails(state, "answered 500", T0.plusSeconds(11 + i));
            }
            assertThat(state.health()).isEqualTo(Health.STARTING);

            state = fails(state, "answered 500", T0.plusSeconds(13));
            assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
        }

        @Test
        void aSuccessResetsTheStreak() {
            HealthState state = passes(HealthState.starting());
            state = fails(state, "timed out", T0.plusSeconds(20));
            state = fails(state, "timed out", T0.plusSeconds(22));
            state = passes(state);
            state = fails(state, "timed out", T0.plusSeconds(26));
            state = fails(state, "timed out", T0.plusSeconds(28));

            assertThat(state.health()).isEqualTo(Health.HEALTHY);
            assertThat(state.consecutiveFailures()).isEqualTo(2);
        }

        @Test
        void aHealthyInstanceFailingDuringWhatWasItsGraceStillCounts() {
            HealthState state = passes(HealthState.starting());
            for (int i = 0; i < 3; i++) {
                state = fails(state, "refused", T0.plusSeconds(1 + i));
            }
            assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
        }

        @Test
        void aHealthyInstanceIsNeverNotReadyOnItsWayToUnhealthy() {
            HealthState state = passes(HealthState.starting());
            for (int i = 0; i < 2; i++) {
                state = fails(state, "answered 503", T0.plusSeconds(20 + 2 * i));
                assertThat(state.health()).isEqualTo(Health.HEALTHY);
            }
            state = fails(state, "answered 503", T0.plusSeconds(24));
            assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
        }

        @Test
        void unhealthyIsFinal() {
            HealthState state = HealthState.starting();
            for (int i = 0; i < 3; i++) {
                state = fails(state, "refused", T0.plusSeconds(11 + i));
            }
            state = fails(passes(state), "answered 500", T0.plusSeconds(20));

            assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(state.lastFailure()).isEqualTo("answered 500");
        }

        @Test
        void startingInstancesAreProbedFastAndHealthyOnesAtTheInterval() {
            assertThat(HealthState.starting().nextProbe(T0, T0, check)).isEqualTo(T0.plusMillis(100));
            assertThat(passes(HealthState.starting()).nextProbe(T0, T0, check)).isEqualTo(T0.plusSeconds(2));
        }
    }

    /** Readiness decides traffic, liveness restarts. */
    @Nested
    class ReadinessAndLiveness {
        private final HealthCheck check = new HealthCheck(READY, ALIVE, Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(1), 3);

        private HealthState healthy() {
            HealthState state = HealthState.starting().after(PASS, PASS, T0.plusSeconds(1), T0, check);
            assertThat(state.health()).isEqualTo(Health.HEALTHY);
            return state;
        }

        @Test
        void aliveButNotYetReadyIsNotReadyAndGetsNoTraffic() {
            HealthState state = HealthState.starting().after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(1), T0, check);

            assertThat(state.health()).isEqualTo(Health.NOT_READY);
            assertThat(state.readiness()).isEqualTo(Readiness.NOT_YET);
            assertThat(state.lastFailure()).isEqualTo("GET /ready answered 503");
        }

        @Test
        void readyButNotYetAliveIsStillStarting() {
            HealthState state = HealthState.starting().after(PASS, fail("refused"), T0.plusSeconds(1), T0, check);

            assertThat(state.health()).isEqualTo(Health.STARTING);
        }

        @Test
        void readinessFailingTheThresholdInARowTakesTrafficAwayAndNeverMakesItUnhealthy() {
            HealthState state = healthy();
            for (int i = 0; i < 2; i++) {
                state = state.after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(20 + 2 * i), T0, check);
                assertThat(state.health()).as("below the threshold it keeps its traffic").isEqualTo(Health.HEALTHY);
            }
            for (int i = 0; i < 50; i++) {
                state = state.after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(24 + 2 * i), T0, check);
                assertThat(state.health()).isEqualTo(Health.NOT_READY);
            }
            assertThat(state.readiness()).isEqualTo(Readiness.NOT_READY);
            assertThat(state.consecutiveFailures()).as("liveness passed all along").isZero();
        }

        @Test
        void onePassBringsANotReadyInstanceBack() {
            HealthState state = healthy();
            for (int i = 0; i < 3; i++) {
                state = state.after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(20 + 2 * i), T0, check);
            }
            state = state.after(PASS, PASS, T0.plusSeconds(30), T0, check);

            assertThat(state.health()).isEqualTo(Health.HEALTHY);
            assertThat(state.readinessFailures()).isZero();
        }

        @Test
        void livenessFailingTheThresholdMakesItUnhealthyEvenWhileReady() {
            HealthState state = healthy();
            for (int i = 0; i < 3; i++) {
                state = state.after(PASS, fail("GET /health/is_alive timed out after 1000 ms"), T0.plusSeconds(20 + 2 * i), T0, check);
            }

            assertThat(state.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(state.lastFailure()).isEqualTo("GET /health/is_alive timed out after 1000 ms");
        }

        @Test
        void whenBothFailLivenessNamesTheFailure() {
            HealthState state = healthy().after(fail("GET /ready answered 503"), fail("GET /health/is_alive answered 500"),
                    T0.plusSeconds(20), T0, check);

            assertThat(state.lastFailure()).isEqualTo("GET /health/is_alive answered 500");
        }

        @Test
        void anAliveInstanceWaitingForReadinessIsProbedFastOnlyWithinItsGrace() {
            HealthState state = HealthState.starting().after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(1), T0, check);

            assertThat(state.nextProbe(T0.plusSeconds(1), T0, check)).isEqualTo(T0.plusSeconds(1).plusMillis(100));
            assertThat(state.nextProbe(T0.plusSeconds(10), T0, check)).isEqualTo(T0.plusSeconds(12));
        }

        @Test
        void aNotReadyInstanceIsProbedAtTheInterval() {
            HealthState state = healthy();
            for (int i = 0; i < 3; i++) {
                state = state.after(fail("GET /ready answered 503"), PASS, T0.plusSeconds(2 + i), T0, check);
            }

            assertThat(state.nextProbe(T0.plusSeconds(5), T0, check)).isEqualTo(T0.plusSeconds(7));
        }
    }
}
