package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Views.ServiceStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of the control plane at the events of a blue/green upgrade (2 instances of 1.0.0 to 2 of 2.0.0): the
 * restarted control plane finishes the upgrade, leaves exactly the new release's instances running (no orphan, no
 * double), and its event log stays a true log: ids in order, and no fact about an instance announced twice.
 */
class DeployCrashIT {
    /** Facts that happen once per instance, so that an event repeated after a restart is a lie. */
    private static final List<String> ONCE_PER_INSTANCE = List.of("INSTANCE_STARTED", "INSTANCE_HEALTHY",
            "INSTANCE_DRAINING", "INSTANCE_STOPPED");

    @ParameterizedTest(name = "killed at {0}")
    // The deploy's first and last events are ControlPlaneCrashIT's two cases; these are the ones between.
    @ValueSource(strings = {"INSTANCE_STARTED", "INSTANCE_HEALTHY", "TRAFFIC_SWITCHED", "INSTANCE_STOPPED"})
    void aControlPlaneKilledAtAnyEventOfAnUpgradeFinishesItWithNothingOrphanedDoubledOrRepeated(String killAt,
            @TempDir Path home) {
        // No rollback window: the old release is drained and stopped at once, so its stop is among the crash points.
        try (Apollo apollo = Apollo.up(home, "--rollback-window", "0")) {
            for (String version : List.of("1.0.0", "2.0.0")) {
                apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
            }
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2");
            apollo.awaitHealthy("web-service", 2);
            long before = events(apollo).getLast().path("id").asLong();

            apollo.ok("deploy", "web-service:2.0.0", "-n", "2", "--no-wait");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> events(apollo).stream().anyMatch(e -> e.path("id").asLong() > before
                            && e.path("type").asText().equals(killAt)));
            ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
            server.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());

            apollo.start();

            ServiceStatus after = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> apollo.awaitHealthy("web-service", 2), s -> s.live().version().equals("2.0.0"));
            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcesses().size() == 2);
            assertThat(apollo.instanceProcesses()).as("processes of the data dir: the new release's, nothing else")
                    .hasSize(2);
            assertThat(after.instances()).allSatisfy(i -> assertThat(i.release()).isEqualTo(after.live().id()));
            assertTrueLog(events(apollo), 2);
        }
    }

    /**
     * An outage longer than a deploy's deadline: two deploys wait on a readiness probe the test controls (a file that
     * exists or not) when the control plane is killed, and it stays down until both deadlines passed. The restarted one
     * checks their instances again before judging: web-service, ready by then, goes live; slow-service, never ready,
     * fails with a reason that names the outage, and its history and events say the same.
     */
    @Test
    void anOutageLongerThanADeploysDeadlineNeitherFailsItBeforeACheckNorGoesUnmentioned(@TempDir Path home,
            @TempDir Path probes) throws IOException {
        Path ready = probes.resolve("ready");
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "slow-service", "--version", "1.0.0");
            long before = events(apollo).isEmpty() ? 0 : events(apollo).getLast().path("id").asLong();
            String probe = "cmd:test -e " + ready;
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--timeout", "15", "--readiness", probe, "--no-wait");
            apollo.ok("deploy", "slow-service:1.0.0", "-n", "1", "--timeout", "15", "--readiness", "cmd:test -e "
                    + probes.resolve("never"), "--health-grace", "1000", "--health-interval", "500", "--no-wait");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> events(apollo).stream().filter(e -> e.path("id").asLong() > before
                            && e.path("type").asText().equals("INSTANCE_STARTED")).count() == 3);
            List<String> releases = List.of(deploying(apollo, "web-service"), deploying(apollo, "slow-service"));
            Instant deadline = Collections.max(List.of(deadline(apollo, "web-service", releases.get(0)),
                    deadline(apollo, "slow-service", releases.get(1))));
            ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
            server.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());
            assertThat(Instant.now()).as("both deploys were still waiting when the control plane died").isBefore(deadline);
            // The outage outlasts both deadlines: this waits for time itself to pass.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Instant.now().isAfter(deadline.plusSeconds(1)));
            Files.createFile(ready);

            apollo.start();

            ServiceStatus live = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> apollo.awaitHealthy("web-service", 2), s -> s.live() != null);
            assertThat(live.live().id()).as("the deploy that was waiting, not a new one").isEqualTo(releases.get(0));
            assertThat(deployEvents(apollo, releases.get(0))).containsOnlyOnce("DEPLOY_RESUMED", "DEPLOY_SUCCEEDED")
                    .doesNotContain("DEPLOY_FAILED");

            JsonNode failed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> release(apollo, "slow-service", releases.get(1)), r -> r.path("state").asText().equals("failed"));
            String reason = failed.path("reason").asText();
            assertThat(reason).as("the failure names the outage").contains("control plane was down");
            assertThat(apollo.ok("history", "slow-service").out()).as("apollo history").contains("control plane was down");
            assertThat(events(apollo)).filteredOn(e -> e.path("release").asText().equals(releases.get(1))
                    && e.path("type").asText().equals("DEPLOY_FAILED")).singleElement()
                    .satisfies(e -> assertThat(e.path("message").asText()).contains(reason));
            assertThat(deployEvents(apollo, releases.get(1))).containsOnlyOnce("DEPLOY_RESUMED", "DEPLOY_FAILED")
                    .doesNotContain("DEPLOY_SUCCEEDED");

            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcesses().size() == 2);
            assertThat(apollo.instanceProcesses()).as("web-service's two instances, nothing of the failed deploy")
                    .hasSize(2);
            assertTrueLog(events(apollo), 1);
        }
    }

    private static String deploying(Apollo apollo, String service) {
        ServiceStatus status = apollo.status(service).orElseThrow();
        assertThat(status.deploying()).as("%s's deploy", service).isNotNull();
        return status.deploying().id();
    }

    private static Instant deadline(Apollo apollo, String service, String id) {
        return Instant.parse(release(apollo, service, id).path("deadline").asText());
    }

    /** One release of a service, as its history shows it. */
    private static JsonNode release(Apollo apollo, String service, String id) {
        HttpResponse<String> response = apollo.api("GET", "/v1/environments/production/services/" + service + "/history",
                null, true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode release : apollo.json(response.body())) {
            if (release.path("id").asText().equals(id)) {
                return release;
            }
        }
        throw new AssertionError("no release " + id + " in " + response.body());
    }

    private static List<String> deployEvents(Apollo apollo, String release) {
        return events(apollo).stream().filter(e -> e.path("release").asText().equals(release))
                .map(e -> e.path("type").asText()).toList();
    }

    private static void assertTrueLog(List<JsonNode> events, int succeededDeploys) {
        List<Long> ids = events.stream().map(e -> e.path("id").asLong()).toList();
        assertThat(ids).as("event ids").isSorted().doesNotHaveDuplicates();
        Map<String, List<Long>> facts = new HashMap<>();
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if (ONCE_PER_INSTANCE.contains(type) && !event.path("instance").isNull() && !event.path("instance").isMissingNode()) {
                facts.computeIfAbsent(type + " " + event.path("instance").asText(), k -> new ArrayList<>())
                        .add(event.path("id").asLong());
            }
        }
        assertThat(facts).as("facts about an instance, by the ids of the events that announced them")
                .allSatisfy((fact, announced) -> assertThat(announced).as(fact).hasSize(1));
        long succeeded = events.stream().filter(e -> e.path("type").asText().equals("DEPLOY_SUCCEEDED")).count();
        assertThat(succeeded).as("deploys that succeeded").isEqualTo(succeededDeploys);
    }

    private static List<JsonNode> events(Apollo apollo) {
        HttpResponse<String> response = apollo.api("GET", "/v1/dashboard/recent-events?limit=2000", null, true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        apollo.json(response.body()).path("events").forEach(events::add);
        return events;
    }
}
