package dev.apollo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeTest {

    @ParameterizedTest
    @ValueSource(strings = {"ready", "/a b", "/../etc/passwd", ""})
    void anHttpPathMustBeAbsoluteWithoutSpacesOrDotDot(String path) {
        assertThatThrownBy(() -> new Probe.Http(path)).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("'" + path + "'").hasMessageContaining("absolute URL path");
    }

    @Test
    void aCommandNeedsAProgram() {
        assertThatThrownBy(() -> new Probe.Command(List.of())).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("a program and its arguments");
        assertThatThrownBy(() -> new Probe.Command(List.of(" ", "--x"))).isInstanceOf(ApolloException.Invalid.class);
        assertThatThrownBy(() -> new Probe.Command(Arrays.asList("/bin/check", null))).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("null");
    }

    @Test
    void aCommandsProgramIsAbsoluteOrANameOnThePath() {
        assertThat(new Probe.Command(List.of("/usr/bin/check", "--x")).program()).isEqualTo("/usr/bin/check");
        assertThat(new Probe.Command(List.of("check")).program()).isEqualTo("check");
        assertThatThrownBy(() -> new Probe.Command(List.of("bin/check"))).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("'bin/check'").hasMessageContaining("absolute path");
    }

    @Test
    void probesDescribeThemselvesTheWayMessagesNameThem() {
        assertThat(new Probe.Http("/ready").describe()).isEqualTo("GET /ready");
        assertThat(new Probe.Tcp().describe()).isEqualTo("TCP connect");
        assertThat(new Probe.Command(List.of("/usr/bin/check", "--x")).describe()).isEqualTo("command /usr/bin/check --x");
    }

    @Test
    void theDefaultIsOneProbeForBoth() {
        assertThat(HealthCheck.DEFAULT.sameProbe()).isTrue();
        assertThat(HealthCheck.DEFAULT.readiness()).isEqualTo(new Probe.Http("/health/is_alive"));
        HealthCheck split = new HealthCheck(new Probe.Http("/ready"), new Probe.Tcp(), Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1);
        assertThat(split.sameProbe()).isFalse();
    }
}
