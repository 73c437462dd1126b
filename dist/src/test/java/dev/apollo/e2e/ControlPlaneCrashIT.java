package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the control plane loses nothing: instances keep serving, are adopted, and nothing is orphaned or doubled. */
class ControlPlaneCrashIT {

    @Test
    void aRestartedControlPlaneAdoptsItsInstancesAndReplacesTheOnesThatDiedMeanwhile(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "3");
            ServiceStatus running = apollo.awaitHealthy("web-service", 3);
            List<String> before = ids(running);

            killControlPlane(apollo);
            // The instances do not depend on the control plane: they keep answering.
            for (InstanceView instance : running.instances()) {
                assertThat(apollo.get(instance.address(), "/health/is_alive")).contains("alive");
            }
            String victim = before.getFirst();
            apollo.instanceProcess(victim).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.instanceProcess(victim).isEmpty());

            apollo.start();

            ServiceStatus after = apollo.awaitHealthy("web-service", 3);
            assertThat(ids(after)).contains(before.get(1), before.get(2)).doesNotContain(victim);
            assertThat(apollo.instanceProcesses()).hasSize(3);
        }
    }

    @Test
    void aDeployInterruptedByACrashStillFinishes(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "4", "--no-wait");
            killControlPlane(apollo);

            apollo.start();

            apollo.awaitHealthy("web-service", 4);
            await().atMost(Duration.ofSeconds(30)).until(() -> apollo.instanceProcesses().size() == 4);
            assertThat(apollo.ok("history", "web-service").out()).contains("live");
        }
    }

    private static void killControlPlane(Apollo apollo) {
        ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
        server.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());
    }

    private static List<String> ids(ServiceStatus status) {
        return status.instances().stream().map(InstanceView::id).toList();
    }
}
