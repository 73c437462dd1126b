package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness and liveness told apart, on a service that can say "not now" without being sick. */
class HealthChecksIT {
    private static final String SERVICE = "config-service";

    private static void push(Apollo apollo) {
        apollo.ok("artifact", "push", Apollo.CONFIG_SERVICE_JAR.toString(), "--name", SERVICE, "--version", "1.0.0");
    }

    /** The instances the control plane's route table sends traffic to. */
    private static Set<String> routed(Apollo apollo) {
        HttpResponse<String> response = apollo.api("GET", "/v1/routes", null, true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Set<String> instances = new HashSet<>();
        for (JsonNode environment : apollo.json(response.body()).get("environments")) {
            for (JsonNode service : environment.get("services")) {
                service.get("backends").forEach(backend -> instances.add(backend.get("instance").asText()));
            }
        }
        return instances;
    }

    private static InstanceView instance(Apollo apollo, String id) {
        return apollo.status(SERVICE).orElseThrow().instances().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
    }

    private static long served(Apollo apollo, InstanceView instance) {
        return Long.parseLong(apollo.get(instance.address(), "/admin/served").strip());
    }

    @Test
    void anInstanceThatIsNotReadyLosesItsTrafficWithoutARestartAndGetsItBackAndNoRequestFails(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            push(apollo);
            apollo.ok("deploy", SERVICE + ":1.0.0", "-n", "2", "--env", "SERVER_PORT=${PORT}", "--path", "/greeting",
                    "--readiness", "http:/ready", "--liveness", "http:/actuator/health",
                    "--health-interval", "300", "--health-threshold", "2");
            ServiceStatus status = apollo.awaitHealthy(SERVICE, 2);
            InstanceView busy = status.instances().get(0);
            InstanceView other = status.instances().get(1);
            long pid = apollo.instanceProcess(busy.id()).orElseThrow().pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> routed(apollo), r -> r.equals(Set.of(busy.id(), other.id())));

            try (Load load = Load.start(apollo.gateway(), "/greeting", 3, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 50);

                apollo.post(busy.address(), "/admin/unready");
                await().atMost(Duration.ofSeconds(10)).until(() -> routed(apollo), r -> r.equals(Set.of(other.id())));
                assertThat(instance(apollo, busy.id()).health()).isEqualTo("not_ready");
                assertThat(apollo.ok("status", SERVICE).out()).contains("1 not ready: no traffic")
                        .containsPattern(busy.id() + " .* not ready ");
                // Counted half a second on: the gateway has the table within milliseconds, and what was in flight has finished.
                long servedWhileOut = await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> served(apollo, busy), count -> true);
                int before = load.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> load.requests() > before + 200);
                assertThat(served(apollo, busy)).as("requests that reached the instance out of traffic").isEqualTo(servedWhileOut);
                assertThat(instance(apollo, busy.id()).health()).isEqualTo("not_ready");
                assertThat(apollo.instanceProcess(busy.id())).as("the same process, never restarted")
                        .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(pid));

                apollo.post(busy.address(), "/admin/ready");
                await().atMost(Duration.ofSeconds(10)).until(() -> routed(apollo), r -> r.equals(Set.of(busy.id(), other.id())));
                await().atMost(Duration.ofSeconds(10)).until(() -> served(apollo, busy) > servedWhileOut);
                load.stop();
                assertThat(load.failures()).as("failed requests").isEmpty();
            }
            ServiceStatus after = apollo.status(SERVICE).orElseThrow();
            assertThat(after.restarts()).isZero();
            assertThat(Apollo.running(after)).extracting(InstanceView::id).containsExactlyInAnyOrder(busy.id(), other.id());
            assertThat(instance(apollo, busy.id()).startedAt()).isEqualTo(busy.startedAt());
        }
    }

    @Test
    void tcpAndCommandProbesRunAndACommandThatIsNotThereIsRefusedBeforeAnythingStarts(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            push(apollo);

            Apollo.Result missing = apollo.cli("deploy", SERVICE + ":1.0.0", "--env", "SERVER_PORT=${PORT}",
                    "--liveness", "cmd:/nonexistent/bin/check --deep");
            assertThat(missing.exit()).as(missing.all()).isEqualTo(1);
            assertThat(missing.err()).contains("health.liveness").contains("'/nonexistent/bin/check'")
                    .contains("not an executable file");
            Apollo.Result notOnPath = apollo.cli("deploy", SERVICE + ":1.0.0", "--env", "SERVER_PORT=${PORT}",
                    "--readiness", "cmd:no-such-check-anywhere");
            assertThat(notOnPath.exit()).as(notOnPath.all()).isEqualTo(1);
            assertThat(notOnPath.err()).contains("'no-such-check-anywhere'").contains("control plane's PATH");
            assertThat(apollo.status(SERVICE)).as("nothing was applied").isEmpty();

            apollo.ok("deploy", SERVICE + ":1.0.0", "--env", "SERVER_PORT=${PORT}", "--path", "/greeting",
                    "--readiness", "tcp", "--liveness", "cmd:sh -c 'test \"$APOLLO_INSTANCE_PORT\" -gt 0'");

            apollo.awaitHealthy(SERVICE, 1);
            assertThat(apollo.viaGateway("/greeting").body()).isEqualTo("hello\n");
        }
    }
}
