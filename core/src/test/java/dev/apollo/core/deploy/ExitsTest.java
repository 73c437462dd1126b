package dev.apollo.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitsTest {
    @Test
    void anExitNobodyAskedForIsAFailure() {
        assertThat(Exits.isFailure(false, false)).isTrue();
    }

    @Test
    void aStopThePlatformAskedForIsNot() {
        assertThat(Exits.isFailure(true, false)).isFalse();
    }

    @Test
    void aStopOfAnUnhealthyInstanceIsAFailureItCountsAsARestart() {
        assertThat(Exits.isFailure(true, true)).isTrue();
    }
}
