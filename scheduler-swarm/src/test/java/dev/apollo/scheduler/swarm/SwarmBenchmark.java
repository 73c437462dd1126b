package dev.apollo.scheduler.swarm;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures for docs/BENCHMARKS.md (bench/swarm.sh runs it): the images' size and build time, and
 * deploys to healthy through the scheduler beside the same service made by hand with the docker
 * CLI (the engine's own floor). Rebuilds the images, so it runs only when asked.
 */
@EnabledIfSystemProperty(named = "apollo.bench", matches = "true")
class SwarmBenchmark {
    private static final int RUNS = 3;

    @Test
    void imagesAndDeploys() throws Exception {
        try (Engine engine = Engine.connect(Engine.DEFAULT_HOST)) {
            engine.requireManager();
            Images images = new Images(engine);
            RuntimeImage runtime = RuntimeImage.ofRunningJdk();
            removeImages(engine);
            long start = System.nanoTime();
            String base = runtime.ensure(images);
            long baseMs = millisSince(start);
            start = System.nanoTime();
            String jar = JarImage.ensure(images, base, SwarmFixtures.webServiceJar());
            long jarMs = millisSince(start);
            start = System.nanoTime();
            JarImage.ensure(images, base, SwarmFixtures.webServiceJar());
            long reuseMs = millisSince(start);
            System.out.printf("| base image %s | %d MB | built in %d ms |%n", base, size(engine, base), baseMs);
            System.out.printf("| jar image (web-service, %d KB jar) | %d MB | built in %d ms, found again in %d ms |%n",
                    java.nio.file.Files.size(SwarmFixtures.webServiceJar()) / 1024, size(engine, jar), jarMs, reuseMs);
            for (int instances : new int[] {1, 10}) {
                List<Long> scheduler = new ArrayList<>();
                List<Long> byHand = new ArrayList<>();
                for (int run = 0; run < RUNS; run++) {
                    scheduler.add(throughScheduler(engine, instances, run));
                    byHand.add(byHand(engine, jar, instances));
                }
                System.out.printf("| -n %d | scheduler ensure to all healthy: %s ms | docker service create by hand: %s ms |%n",
                        instances, scheduler, byHand);
            }
        }
    }

    private static long throughScheduler(Engine engine, int instances, int run) {
        String namespace = SwarmFixtures.newNamespace();
        try (SwarmScheduler scheduler = SwarmScheduler.open(SwarmFixtures.options(namespace))) {
            ReleaseSpec release = ReleaseSpec.plain(new ReleaseId(100 + run), EnvironmentName.PRODUCTION,
                    ServiceName.of("bench"), Version.of("1.0.0"), ArtifactKind.JAR, SwarmFixtures.webServiceJar().toUri(), 64,
                    Map.of("APOLLO_SERVICE", "bench"));
            long start = System.nanoTime();
            scheduler.ensure(release, instances);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> scheduler.instances().stream()
                    .filter(i -> i.address().isPresent())
                    .filter(i -> i.address().flatMap(a -> SwarmFixtures.get(a, "/health/is_alive")).isPresent())
                    .map(ObservedInstance::id).distinct().count() == instances);
            return millisSince(start);
        } finally {
            SwarmFixtures.removeNamespace(engine, namespace);
        }
    }

    /** The same image and launch, as someone would type it: ports from labels, as the scheduler gives them. */
    private static long byHand(Engine engine, String image, int instances) throws IOException, InterruptedException {
        String namespace = SwarmFixtures.newNamespace();
        List<String> command = new ArrayList<>(List.of("docker", "service", "create", "-d", "--quiet", "--name", namespace,
                "--label", ReleaseService.NAMESPACE + "=" + namespace, "--container-label",
                ReleaseService.NAMESPACE + "=" + namespace, "--restart-condition", "none", "--network", "host",
                "--replicas", Integer.toString(instances), "--env", "PORT=" + PerTask.PORT_TEMPLATE));
        List<Integer> ports = new ArrayList<>();
        for (int slot = 1; slot <= instances; slot++) {
            int port = 29000 + slot;
            ports.add(port);
            command.addAll(List.of("--label", PerTask.PORT_LABEL + slot + "=" + port));
        }
        command.addAll(List.of(image, RuntimeImage.JAVA, "-Xmx64m", "-XX:+UseSerialGC",
                "-Xshare:auto", "-jar", JarImage.JAR));
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> ports.stream()
                    .allMatch(p -> SwarmFixtures.get(new dev.apollo.core.model.Address("127.0.0.1", p), "/health/is_alive")
                            .isPresent()));
            return millisSince(start);
        } finally {
            SwarmFixtures.removeNamespace(engine, namespace);
        }
    }

    private static void removeImages(Engine engine) {
        for (String repository : List.of(JarImage.REPOSITORY, RuntimeImage.REPOSITORY)) {
            for (JsonNode image : engine.get("/images/json?filters=" + SwarmFixtures.filter("reference", repository))) {
                engine.delete("/images/" + image.path("Id").asText() + "?force=1");
            }
        }
    }

    private static long size(Engine engine, String image) {
        return engine.get("/images/" + image + "/json").path("Size").asLong() / 1_000_000;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
