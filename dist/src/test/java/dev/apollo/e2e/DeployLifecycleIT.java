package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy → healthy → scale up and down → kill -9 an instance → replaced → undeploy leaves no process. */
class DeployLifecycleIT {

    @Test
    void keepsTheDesiredNumberOfHealthyInstancesRunning(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            assertThat(apollo.ok("artifact", "list").out()).contains("web-service", "1.0.0");

            Apollo.Result deploy = apollo.ok("artifact-deploy", "web-service:1.0.0", "-n", "2");
            assertThat(deploy.all()).contains("2/2");

            ServiceStatus status = apollo.awaitHealthy("web-service", 2);
            assertThat(status.live().version()).isEqualTo("1.0.0");
            for (InstanceView instance : status.instances()) {
                JsonNode body = apollo.json(apollo.get(instance.address(), "/"));
                assertThat(body.get("service").asText()).isEqualTo("web-service");
                assertThat(body.get("version").asText()).isEqualTo("1.0.0");
                assertThat(body.get("instance").asText()).isEqualTo(instance.id());
                assertThat(body.get("environment").asText()).isEqualTo("production");
            }

            apollo.ok("scale", "web-service", "-n", "4");
            apollo.awaitHealthy("web-service", 4);
            assertThat(apollo.instanceProcesses()).hasSize(4);

            apollo.ok("scale", "web-service", "-n", "1");
            ServiceStatus one = apollo.awaitHealthy("web-service", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcesses().size() == 1);

            String victim = one.instances().getFirst().id();
            apollo.instanceProcess(victim).orElseThrow().destroyForcibly();
            ServiceStatus replaced = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> apollo.status("web-service").orElseThrow(), s -> healthyIds(s).size() == 1
                            && Apollo.running(s).size() == 1
                            && !healthyIds(s).contains(victim));
            assertThat(replaced.restarts()).isEqualTo(1);
            assertThat(replaced.lastExit()).contains(victim, "killed by signal 9");
            assertThat(apollo.ok("status", "web-service").out()).contains("web-service", "1.0.0", "healthy");

            assertThat(apollo.ok("history", "web-service").out()).contains("r1", "1.0.0", "live");
            assertThat(apollo.ok("logs", "web-service").out()).contains("web-service listening on 127.0.0.1:");

            apollo.ok("undeploy", "web-service");
            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcesses().isEmpty());
            assertThat(apollo.ok("history", "web-service").out()).contains("undeployed");
        }
    }

    @Test
    void downStopsEveryInstanceAndUpBringsTheServicesBack(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2");
            apollo.awaitHealthy("web-service", 2);

            apollo.ok("down");
            assertThat(apollo.instanceProcesses()).isEmpty();
            assertThat(home.resolve("server.json")).doesNotExist();

            apollo.start();
            apollo.awaitHealthy("web-service", 2);
        }
    }

    private static Set<String> healthyIds(ServiceStatus status) {
        List<InstanceView> healthy = status.instances().stream().filter(i -> i.health().equals("healthy")).toList();
        return healthy.stream().map(InstanceView::id).collect(Collectors.toSet());
    }
}
