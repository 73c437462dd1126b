package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every web gateway scenario again, through a real nginx whose configuration Apollo renders. Instance
 * changes go to nginx's Lua balancer without a reload, so the version flips exactly once here too
 * (the inherited test), and none of them reloads nginx (below).
 */
class NginxGatewayIT extends GatewayIT {
    private static final String ENV = "X-Apollo-Env";

    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--gateway", "nginx"};
    }

    private static long reloads(Apollo apollo) {
        return apollo.json(apollo.ok("gateway", "status", "-o", "json").out()).path("reloads").asLong(-1);
    }

    @Test
    void upgradeScaleReplacementTestbedAndRollbackUnderLoadReloadNginxNeverAndFailNoRequest(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home, gatewayFlags())) {
            for (String version : new String[] {"1.0.0", "2.0.0"}) {
                apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
            }
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/", "--health-interval", "200");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
            long reloads = reloads(apollo);
            assertThat(reloads).isGreaterThanOrEqualTo(0);

            // Strict clients too: a keep-alive connection closed under a request would be a failure, not a silent resend.
            try (Load load = Load.start(apollo.gateway(), "/", 1, 1, 2)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                apollo.ok("deploy", "web-service:2.0.0", "-n", "2"); // upgrade
                apollo.ok("scale", "web-service", "-n", "1"); // scale-down
                apollo.awaitHealthy("web-service", 1);
                apollo.ok("scale", "web-service", "-n", "2");
                var scaled = apollo.awaitHealthy("web-service", 2);
                String sick = scaled.instances().stream().filter(i -> i.health().equals("healthy")).findFirst().orElseThrow().id();
                apollo.post(scaled.instances().stream().filter(i -> i.id().equals(sick)).findFirst().orElseThrow().address(),
                        "/admin/sick"); // replacement
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> apollo.instanceProcess(sick).isEmpty());
                apollo.awaitHealthy("web-service", 2);
                apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "--testbed"); // testbed
                await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production",
                        "X-Apollo-Testbed", "web-service").body().contains("1.0.0"));
                apollo.ok("testbed", "discard", "web-service");
                apollo.ok("rollback", "web-service"); // to the warm 1.0.0
                await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").body()
                        .contains("\"version\":\"1.0.0\""));
                int after = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > after + 200);
                load.stop();

                assertThat(load.failures()).as("failed requests of %d", load.requests()).isEmpty();
            }
            assertThat(reloads(apollo)).as("nginx reloads for upgrade, scale, replacement, testbed and rollback")
                    .isEqualTo(reloads);
            // A structural change still reloads (and is served).
            apollo.ok("route", "add", "/shop", "web-service");
            await().atMost(Duration.ofSeconds(10)).until(() -> reloads(apollo) == reloads + 1);
        }
    }
}
