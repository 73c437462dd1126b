package dev.apollo.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimesTest {
    private static final Instant NOW = Instant.parse("2025-11-25T12:00:00Z");

    @Test
    void relativeTimesInThePastAndFuture() {
        assertThat(Times.relative(NOW.minusSeconds(12), NOW)).isEqualTo("12s ago");
        assertThat(Times.relative(NOW.minusSeconds(192), NOW)).isEqualTo("3m12s ago");
        assertThat(Times.relative(NOW.minus(Duration.ofHours(2)), NOW)).isEqualTo("2h ago");
        assertThat(Times.relative(NOW.minus(Duration.ofHours(51)), NOW)).isEqualTo("2d3h ago");
        assertThat(Times.relative(NOW.plusSeconds(5), NOW)).isEqualTo("in 5s");
        assertThat(Times.relative(null, NOW)).isEqualTo("-");
    }

    @Test
    void shortIsoIsUtcToTheSecond() {
        assertThat(Times.shortIso(Instant.parse("2025-11-25T00:52:10.123456Z"))).isEqualTo("2025-11-25 00:52:10Z");
    }
}
