package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Views.ServiceStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
            assertTrueLog(events(apollo));
        }
    }

    private static void assertTrueLog(List<JsonNode> events) {
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
        assertThat(succeeded).as("deploys that succeeded: 1.0.0's and 2.0.0's").isEqualTo(2);
    }

    private static List<JsonNode> events(Apollo apollo) {
        HttpResponse<String> response = apollo.api("GET", "/v1/dashboard/recent-events?limit=2000", null, true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        apollo.json(response.body()).path("events").forEach(events::add);
        return events;
    }
}
