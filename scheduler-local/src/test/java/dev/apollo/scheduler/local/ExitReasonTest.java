package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.port.ObservedInstance.Exit;
import org.junit.jupiter.api.Test;

class ExitReasonTest {

    @Test
    void explainsCodesAndSignals() {
        assertThat(ExitReason.of(0, false)).isEqualTo("exited with code 0");
        assertThat(ExitReason.of(1, false)).isEqualTo("exited with code 1");
        assertThat(ExitReason.of(137, false)).isEqualTo("killed by signal 9 (SIGKILL)");
        assertThat(ExitReason.of(143, false)).isEqualTo("killed by signal 15 (SIGTERM)");
        assertThat(ExitReason.of(128 + 20, false)).isEqualTo("killed by signal 20");
        assertThat(ExitReason.of(Exit.UNKNOWN_CODE, false)).contains("exit code unknown");
    }

    @Test
    void aRequestedStopIsNotACrash() {
        assertThat(ExitReason.of(137, true)).isEqualTo("stopped by the platform");
        assertThat(ExitReason.of(Exit.UNKNOWN_CODE, true)).isEqualTo("stopped by the platform");
    }
}
