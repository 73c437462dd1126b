package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogLimitsTest {
    @Test
    void sizesAreReadAsPeopleWriteThem() {
        assertThat(LogLimits.parseSize("1000")).isEqualTo(1000);
        assertThat(LogLimits.parseSize("512K")).isEqualTo(512 * 1024);
        assertThat(LogLimits.parseSize("10MiB")).isEqualTo(10L * 1024 * 1024);
        assertThat(LogLimits.parseSize("10mb")).isEqualTo(10L * 1024 * 1024);
        assertThat(LogLimits.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(LogLimits.formatSize(LogLimits.DEFAULT.maxBytes())).isEqualTo("10MiB");
        assertThat(LogLimits.formatSize(1000)).isEqualTo("1000");
    }

    @Test
    void nonsenseIsRefusedByName() {
        assertThatThrownBy(() -> LogLimits.parseSize("ten megs")).hasMessageContaining("'ten megs'").hasMessageContaining("10MiB");
        assertThatThrownBy(() -> LogLimits.parseSize("99999999999999999999")).hasMessageContaining("too large");
        assertThatThrownBy(() -> new LogLimits(0, 2)).hasMessageContaining("log max size: 0");
        assertThatThrownBy(() -> new LogLimits(10, -1)).hasMessageContaining("log keep: -1");
    }
}
