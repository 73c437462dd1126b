package dev.apollo.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void rendersCountsPhaseAndElapsedTime() {
        assertThat(ProgressBar.render(3, 5, 5, "starting", Duration.ofMillis(12_340)))
                .isEqualTo("[############--------] 3/5 healthy  5 started  phase: starting  12.3s");
    }

    @Test
    void emptyAndFullBars() {
        assertThat(ProgressBar.render(0, 0, 4, "starting", Duration.ZERO)).startsWith("[--------------------] 0/4 healthy");
        assertThat(ProgressBar.render(4, 4, 4, "live", Duration.ofSeconds(2))).startsWith("[####################] 4/4 healthy");
    }

    @Test
    void aZeroTargetOrUnknownCountsDoNotBreakIt() {
        assertThat(ProgressBar.render(-1, -1, 0, "scaling", Duration.ofMillis(50)))
                .isEqualTo("[--------------------] 0/0 healthy  0 started  phase: scaling  0.1s");
    }

    @Test
    void phasesFollowTheLastEvent() {
        assertThat(ProgressBar.phase("INSTANCE_STARTED")).isEqualTo("starting");
        assertThat(ProgressBar.phase("BACKING_OFF")).isEqualTo("backing off");
        assertThat(ProgressBar.phase("DEPLOY_SUCCEEDED")).isEqualTo("live");
        assertThat(ProgressBar.phase("SOMETHING_NEW")).isEqualTo("something new");
    }
}
