package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.testkit.SwarmNodes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apollo up --scheduler swarm on a swarm of two nodes, each an engine in a network namespace of its own
 * ({@link SwarmNodes}): a release's two tasks run one on each node, the embedded gateway reaches both at
 * their nodes' addresses, the worker's task's log is read through its node's engine, a task killed on the
 * worker is replaced without failing more than the requests in flight, and apollo down leaves nothing of
 * Apollo's on either node.
 */
@Tag("swarm")
class SwarmNodesIT {
    private static SwarmNodes nodes;

    @BeforeAll
    static void twoNodes() {
        var missing = SwarmNodes.unavailable();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElseThrow());
        nodes = SwarmNodes.start();
        // The Java base image this machine's engine has already, rather than a jlink (~40 s) on the new manager.
        nodes.copyImagesFromThisMachine("apollo/java-runtime");
    }

    @AfterAll
    static void removeNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aReleaseSpreadOverTwoNodesServesThroughTheGatewayAndSurvivesAKilledTaskOnTheWorker(@TempDir Path home)
            throws Exception {
        String namespace;
        try (Apollo apollo = Apollo.upWith(Map.of("DOCKER_HOST", nodes.manager().toString()), home, "--scheduler",
                "swarm")) {
            namespace = "label=dev.apollo.namespace=" + namespace(home);
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2");
            apollo.ok("route", "add", "/", "web-service");
            ServiceStatus status = apollo.awaitHealthy("web-service", 2);
            // Swarm spreads a service's tasks over the nodes; each is reached at its own node's address.
            assertThat(status.instances()).extracting(i -> i.address().substring(0, i.address().lastIndexOf(':')))
                    .containsExactlyInAnyOrder(nodes.managerAddress(), nodes.workerAddress());
            assertThat(nodes.docker(nodes.worker(), "images", "-q", "apollo/jar")).as("the jar's image, copied to the"
                    + " worker by Apollo").isNotBlank();
            Set<String> answered = new HashSet<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                answered.add(apollo.viaGateway("/", "X-Apollo-Env", "production").body());
                return answered.size() == 2;
            });

            InstanceView onWorker = status.instances().stream()
                    .filter(i -> i.address().startsWith(nodes.workerAddress() + ":")).findFirst().orElseThrow();
            // Its output is read through the worker's own engine: it bound the worker's address, as HOST said.
            assertThat(apollo.ok("logs", "web-service", "--instance", onWorker.id()).out())
                    .contains("web-service listening on " + onWorker.address());
            String container = nodes.docker(nodes.worker(), "ps", "-q", "--filter", namespace).strip();
            assertThat(container).as("the worker's one task container").isNotBlank().doesNotContain("\n");
            try (Load load = Load.start(apollo.gateway(), "/", 2, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                nodes.docker(nodes.worker(), "kill", container);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> apollo.awaitHealthy("web-service", 2), s -> s.instances().stream()
                                .noneMatch(i -> i.id().equals(onWorker.id())));
                int replaced = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > replaced + 200);
                load.stop();
                // At most the requests in flight on the killed task (one per client); the gateway retries the
                // ones it could not connect for on the other task.
                assertThat(load.failures()).as("failed requests of %d", load.requests()).hasSizeLessThanOrEqualTo(3);
            }
            assertThat(apollo.status("web-service").orElseThrow().lastExit()).contains("killed by signal 9");
        }
        for (URI engine : List.of(nodes.manager(), nodes.worker())) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    nodes.docker(engine, "ps", "-aq", "--filter", namespace).isBlank());
        }
        assertThat(nodes.docker(nodes.manager(), "service", "ls", "-q", "--filter", namespace)).isBlank();
        assertThat(nodes.docker(nodes.manager(), "secret", "ls", "-q", "--filter", namespace)).isBlank();
    }

    private static String namespace(Path home) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(home.toRealPath().toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "apollo-" + java.util.HexFormat.of().formatHex(digest).substring(0, 8);
    }
}
