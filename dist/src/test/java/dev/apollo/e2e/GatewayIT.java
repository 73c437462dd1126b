package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Web traffic through the real gateway while the platform deploys, scales, rolls back and tests. */
class GatewayIT {
    /** Every client sees 1.0.0 until the switch and 2.0.0 after it, never the old version again. */
    protected void flipsFromOneToTwo(List<String> versionsSeen) {
        assertThat(versionsSeen).containsExactly("1.0.0", "2.0.0");
    }

    /**
     * The flags of 'apollo up' that choose the backends: the nginx variant of this test chooses the nginx gateway,
     * the Swarm variant the Swarm scheduler.
     */
    protected String[] gatewayFlags() {
        return new String[0];
    }

    private static final String ENV = "X-Apollo-Env";

    private Apollo withVersions(Path home, String... versions) {
        Apollo apollo = Apollo.up(home, gatewayFlags());
        for (String version : versions) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
        }
        return apollo;
    }

    private static String versionOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"version\":\"([^\"]+)\"").matcher(response.body());
        assertThat(m.find()).as(response.body()).isTrue();
        return m.group(1);
    }

    @Test
    void routesByPathRuleAndHostAndAnswersWithJsonWhenItCannot(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);

            assertThat(versionOf(apollo.viaGateway("/", "Host", "apollo.localhost"))).isEqualTo("1.0.0");
            HttpResponse<String> unknownEnv = apollo.viaGateway("/", "Host", "nowhere.apollo.localhost");
            assertThat(unknownEnv.statusCode()).isEqualTo(404);
            assertThat(unknownEnv.body()).contains("nowhere");

            apollo.ok("route", "remove", "/");
            assertThat(apollo.ok("route", "add", "/shop", "web-service").out()).doesNotContain("Note:");
            assertThat(apollo.ok("route", "add", "/typo", "web-servcie").out()).as("a rule to a service never deployed")
                    .contains("Note: web-servcie has no live release", "answer 503");
            apollo.ok("route", "remove", "/typo");
            // Both changes reached the gateway: / has no rule any more, and /shop reaches the service, which
            // answers 404 itself (it serves nothing at /shop), with its own body, not the gateway's.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Answers.noRoute(apollo.viaGateway("/", ENV, "production"), "/");
                Answers.webServiceHasNothingAt(apollo.viaGateway("/shop", ENV, "production"), "/shop");
            });
            HttpResponse<String> noRoute = apollo.viaGateway("/other", ENV, "production");
            Answers.noRoute(noRoute, "/other");
            assertThat(noRoute.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
            assertThat(noRoute.body()).contains("production");
            assertThat(apollo.ok("route", "list").out()).contains("/shop", "web-service");

            apollo.ok("route", "add", "/", "web-service");
            apollo.ok("undeploy", "web-service");
            // The rule for / stays, the service behind it is gone: the gateway answers 503 for it (a 404 would be
            // the route change not applied yet, a 200 the undeploy not applied yet).
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    Answers.notDeployed(apollo.viaGateway("/", ENV, "production"), "web-service"));
        }
    }

    @Test
    void aBlueGreenUpgradeAndAScaleDownUnderLoadDropNoRequestAndTheVersionFlipsOnce(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0", "2.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "3", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);

            try (Load load = Load.start(apollo.gateway(), "/", 3, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                apollo.ok("deploy", "web-service:2.0.0", "-n", "3");
                int afterSwitch = load.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> load.requests() > afterSwitch + 500);
                apollo.ok("scale", "web-service", "-n", "1");
                apollo.awaitHealthy("web-service", 1);
                int afterScale = load.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> load.requests() > afterScale + 300);
                load.stop();

                assertThat(load.failures()).as("failed requests of %d", load.requests()).isEmpty();
                assertThat(load.versionSequences()).allSatisfy(this::flipsFromOneToTwo);
                assertThat(load.requests()).isGreaterThan(1000);
            }
        }
    }

    @Test
    void anUnhealthyInstanceIsReplacedUnderLoadWithoutADroppedRequest(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/", "--health-interval", "200");
            var before = apollo.awaitHealthy("web-service", 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
            String sick = before.instances().getFirst().id();

            try (Load load = Load.start(apollo.gateway(), "/", 3, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                apollo.post(before.instances().getFirst().address(), "/admin/sick");
                // Asked of the platform, not of the process table: on Swarm the instance is a container.
                var after = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> apollo.awaitHealthy("web-service", 2),
                                status -> status.instances().stream().noneMatch(i -> i.id().equals(sick)));
                int replaced = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > replaced + 200);
                load.stop();

                assertThat(after.restarts()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcess(sick).isEmpty());
                assertThat(load.failures()).as(() -> "failed requests of " + load.requests() + "; the platform's events:\n"
                        + apollo.recentEvents()).isEmpty();
            }
        }
    }

    @Test
    void aVersionThatNeverGetsHealthyNeverGetsTrafficAndARollbackSwitchesBackToTheWarmRelease(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0", "2.0.0", "3.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);

            try (Load load = Load.start(apollo.gateway(), "/", 2, 0)) {
                Apollo.Result failed = apollo.cli("deploy", "web-service:3.0.0", "-n", "2", "--health-path", "/nope",
                        "--timeout", "3");
                load.stop();
                assertThat(failed.exit()).isEqualTo(1);
                assertThat(load.failures()).isEmpty();
                assertThat(load.versionSequences()).allSatisfy(seen -> assertThat(seen).containsExactly("1.0.0"));
            }

            apollo.ok("deploy", "web-service:2.0.0", "-n", "2");
            await().atMost(Duration.ofSeconds(30)).until(() -> versionOf(apollo.viaGateway("/", ENV, "production")).equals("2.0.0"));

            ServiceStatus upgraded = apollo.status("web-service").orElseThrow();
            assertThat(upgraded.previous()).as("1.0.0 is kept warm for a rollback").isNotNull();
            String warmRelease = upgraded.previous().id();
            List<String> warmInstances = upgraded.instances().stream()
                    .filter(i -> i.release().equals(warmRelease) && !i.health().equals("exited"))
                    .map(InstanceView::id).toList();

            // Within the rollback window a rollback is a route switch to the release kept warm: no new release, no
            // new instance. How fast the switch is, bench/gateway.sh measures (its "rollback (route switch)" row).
            Apollo.Result rollback = apollo.ok("rollback", "web-service");
            assertThat(rollback.out()).containsPattern("^Rolled back web-service in production to 1\\.0\\.0 \\(release "
                    + Pattern.quote(warmRelease) + "\\) in \\d+ ms \\(switch in the control plane: \\d+ ms\\)\\.");
            await().atMost(Duration.ofSeconds(10)).until(() -> versionOf(apollo.viaGateway("/", ENV, "production")).equals("1.0.0"));
            ServiceStatus rolledBack = apollo.awaitHealthy("web-service", 2);
            assertThat(rolledBack.live().id()).isEqualTo(warmRelease);
            assertThat(rolledBack.instances()).extracting(InstanceView::id).containsExactlyInAnyOrderElementsOf(warmInstances);
            assertThat(apollo.ok("history", "web-service").out()).contains("rolled back to");
        }
    }

    @Test
    void aTestbedIsReachedOnlyByThoseWhoAskForIt(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0", "2.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
            apollo.ok("deploy", "web-service:2.0.0", "-n", "1", "--testbed");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production",
                    "X-Apollo-Testbed", "web-service").body().contains("2.0.0"));

            for (int i = 0; i < 20; i++) {
                assertThat(versionOf(apollo.viaGateway("/", ENV, "production"))).isEqualTo("1.0.0");
            }
            assertThat(versionOf(apollo.viaGateway("/", ENV, "production", "Cookie", "apollo-testbed=web-service")))
                    .isEqualTo("2.0.0");
            assertThat(versionOf(apollo.viaGateway("/", "Host", "testbed.web-service.production.apollo.localhost")))
                    .isEqualTo("2.0.0");

            apollo.ok("testbed", "promote", "web-service");
            await().atMost(Duration.ofSeconds(15)).until(() -> versionOf(apollo.viaGateway("/", ENV, "production")).equals("2.0.0"));
            assertThat(apollo.awaitHealthy("web-service", 2).live().version()).isEqualTo("2.0.0");
        }
    }

    @Test
    void theGatewayKeepsRoutingWhileTheControlPlaneIsDeadAndResyncsWhenItReturns(@TempDir Path home) {
        try (Apollo apollo = withVersions(home, "1.0.0")) {
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
            long gatewayPid = apollo.gatewayPid();

            ProcessHandle.of(apollo.serverPid()).orElseThrow().destroyForcibly();
            for (int i = 0; i < 50; i++) {
                assertThat(versionOf(apollo.viaGateway("/", ENV, "production"))).isEqualTo("1.0.0");
            }

            apollo.start();
            assertThat(apollo.gatewayPid()).as("the gateway is adopted, not restarted").isEqualTo(gatewayPid);
            apollo.ok("route", "add", "/moved", "web-service");
            apollo.ok("route", "remove", "/");
            // The resynced gateway serves both changes: / has no rule, /moved reaches the service (which serves
            // nothing at /moved and says so itself).
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Answers.noRoute(apollo.viaGateway("/", ENV, "production"), "/");
                Answers.webServiceHasNothingAt(apollo.viaGateway("/moved", ENV, "production"), "/moved");
            });
        }
    }
}
