package dev.apollo.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.api.Views.HealthCheckRequest;
import dev.apollo.api.Views.ProbeRequest;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthCheckRequestsTest {
    private final HealthCheckRequests requests = new HealthCheckRequests(Set.of("/usr/local/bin/check", "check")::contains);

    private static HealthCheckRequest probes(String path, ProbeRequest readiness, ProbeRequest liveness) {
        return new HealthCheckRequest(path, null, null, null, null, readiness, liveness);
    }

    private HealthCheck read(HealthCheckRequest request) {
        return requests.read(request);
    }

    @Test
    void nothingGivenIsTheDefault() {
        assertThat(read(null)).isEqualTo(HealthCheck.DEFAULT);
        assertThat(read(probes(null, null, null))).isEqualTo(HealthCheck.DEFAULT);
    }

    @Test
    void aPathAloneIsGetPathForBoth() {
        HealthCheck check = read(new HealthCheckRequest("/actuator/health", 1_000, 500, 200, 2, null, null));

        Probe get = new Probe.Http("/actuator/health");
        assertThat(check).isEqualTo(new HealthCheck(get, get, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(200), 2));
        assertThat(check.sameProbe()).isTrue();
    }

    @Test
    void eachProbeGivenReplacesThePathForItsOwnJob() {
        HealthCheck check = read(probes("/actuator/health", ProbeRequest.http("/ready"), null));
        assertThat(check.readiness()).isEqualTo(new Probe.Http("/ready"));
        assertThat(check.liveness()).isEqualTo(new Probe.Http("/actuator/health"));

        check = read(probes(null, ProbeRequest.tcp(), ProbeRequest.command(List.of("/usr/local/bin/check", "--deep"))));
        assertThat(check.readiness()).isEqualTo(new Probe.Tcp());
        assertThat(check.liveness()).isEqualTo(new Probe.Command(List.of("/usr/local/bin/check", "--deep")));
        assertThat(check.grace()).isEqualTo(HealthCheck.DEFAULT.grace());
    }

    @Test
    void aCommandWhoseProgramIsNotOnThisMachineIsRefusedByName() {
        assertThatThrownBy(() -> read(probes(null, ProbeRequest.command(List.of("/opt/nothing/check")), null)))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("health.readiness")
                .hasMessageContaining("'/opt/nothing/check'")
                .hasMessageContaining("not an executable file");
        assertThatThrownBy(() -> read(probes(null, null, ProbeRequest.command(List.of("chek", "-q")))))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("health.liveness")
                .hasMessageContaining("'chek'")
                .hasMessageContaining("control plane's PATH");
    }

    @Test
    void malformedProbesAreRefusedNamingTheField() {
        assertRefused(probes(null, new ProbeRequest("grpc", null, null), null), "health.readiness.type 'grpc' (expected: http, tcp or command)");
        assertRefused(probes(null, new ProbeRequest(null, "/ready", null), null), "health.readiness.path is for type http");
        assertRefused(probes(null, null, new ProbeRequest("http", null, null)), "health.liveness.path is missing");
        assertRefused(probes(null, null, new ProbeRequest("tcp", null, List.of("check"))), "health.liveness.command is for type command");
        assertRefused(probes(null, null, new ProbeRequest("command", null, null)), "health.liveness.command is missing");
        assertRefused(probes(null, null, ProbeRequest.command(List.of())), "a program and its arguments");
        assertRefused(probes(null, ProbeRequest.http("ready"), null), "health check path 'ready'");
        assertRefused(new HealthCheckRequest(null, null, -1, null, null, null, null), "health.intervalMs: -1");
    }

    private void assertRefused(HealthCheckRequest request, String says) {
        assertThatThrownBy(() -> read(request)).isInstanceOf(ApolloException.Invalid.class).hasMessageContaining(says);
    }
}
