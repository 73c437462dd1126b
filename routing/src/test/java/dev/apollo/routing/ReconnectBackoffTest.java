package dev.apollo.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    private final ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void doublesUpToTheCapAndStartsOverOnceConnected() {
        assertThat(LongStream.range(0, 7).map(i -> backoff.nextMillis()).toArray())
                .containsExactly(100, 200, 400, 800, 1600, 2000, 2000);
        backoff.reset();
        assertThat(backoff.nextMillis()).isEqualTo(100);
    }
}
