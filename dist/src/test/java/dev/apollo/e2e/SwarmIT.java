package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apollo up --scheduler swarm on the local engine (a Swarm manager: ./test makes one, bin/docker.sh):
 * instances are Swarm tasks the gateway routes to; a task killed with docker kill is replaced; a jar
 * that crashes shows its output; a control plane killed with -9 is followed by one that adopts the
 * tasks; apollo down leaves no service, container or secret behind.
 */
@Tag("swarm")
class SwarmIT {

    @Test
    void aReleaseRunsAsSwarmTasksBehindTheGatewayAndNothingIsLeftAfterDown(@TempDir Path home) throws Exception {
        Path broken = home.resolve("broken.jar");
        FailuresIT.writeJarWithAMissingMainClass(broken);
        String namespace;
        try (Apollo apollo = Apollo.up(home, "--scheduler", "swarm")) {
            namespace = namespace(home);
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            Apollo.Result secret = apollo.cliWithInput("s3cr3t-value", "secret", "set", "web-service", "DB_PASSWORD");
            assertThat(secret.exit()).as(secret.all()).isZero();
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2");
            apollo.ok("route", "add", "/", "web-service");
            ServiceStatus status = apollo.awaitHealthy("web-service", 2);
            assertThat(docker("service", "ls", "--filter", "label=dev.apollo.namespace=" + namespace, "--format",
                    "{{.Replicas}}")).isEqualTo("2/2\n");
            Set<String> answered = new HashSet<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                answered.add(apollo.viaGateway("/", "X-Apollo-Env", "production").body());
                return answered.size() == 2;
            });
            // The secret is a Swarm secret: not in any service spec of ours.
            String services = docker("service", "ls", "-q", "--filter", "label=dev.apollo.namespace=" + namespace);
            for (String service : services.strip().split("\n")) {
                assertThat(docker("service", "inspect", service)).doesNotContain("s3cr3t-value").contains("DB_PASSWORD");
            }

            InstanceView victim = status.instances().get(0);
            docker("kill", container(victim.id()));
            ServiceStatus replaced = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> apollo.awaitHealthy("web-service", 2), s -> s.instances().stream()
                            .noneMatch(i -> i.id().equals(victim.id())));
            assertThat(apollo.status("web-service").orElseThrow().lastExit()).contains("killed by signal 9");

            apollo.ok("artifact", "push", broken.toString(), "--name", "broken", "--version", "1.0.0");
            Apollo.Result crashed = apollo.cli("deploy", "broken:1.0.0", "-n", "1", "--timeout", "20");
            assertThat(crashed.exit()).as(crashed.all()).isEqualTo(1);
            assertThat(crashed.all()).contains("Could not find or load main class example.Missing");

            List<String> before = ids(replaced);
            ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
            server.destroyForcibly();
            server.onExit().get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(home.resolve("server.json"));
            apollo.start();
            assertThat(ids(apollo.awaitHealthy("web-service", 2))).containsExactlyInAnyOrderElementsOf(before);
            assertThat(docker("ps", "--filter", "label=dev.apollo.service=web-service", "--filter",
                    "label=dev.apollo.namespace=" + namespace, "--format", "{{.ID}}").lines().count()).isEqualTo(2);
        }
        assertThat(docker("service", "ls", "-q", "--filter", "label=dev.apollo.namespace=" + namespace)).isEmpty();
        assertThat(docker("secret", "ls", "-q", "--filter", "label=dev.apollo.namespace=" + namespace)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> docker("ps", "-aq", "--filter",
                "label=dev.apollo.namespace=" + namespace).isEmpty());
    }

    @Test
    void imageArchivesAndImagesTheEngineHasAreArtifactsThatRunBehindTheGateway(@TempDir Path home) throws Exception {
        String tag = home.getFileName().toString().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String saved = "apollo-e2e/saved:" + tag;
        String known = "apollo-e2e/known:" + tag;
        try (Apollo apollo = Apollo.up(home, "--scheduler", "swarm")) {
            // The example's jar as an image: made by a deploy of the jar, then saved as a user would.
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1");
            String jarImage = docker("images", "--filter", "label=dev.apollo.artifact.sha256=" + sha256(Apollo.WEB_SERVICE_JAR),
                    "--format", "{{.Repository}}:{{.Tag}}").lines().findFirst().orElseThrow();
            Path archive = home.resolve("web-image.tar");
            docker("tag", jarImage, saved);
            docker("save", saved, "-o", archive.toString());
            docker("rmi", saved);
            docker("tag", jarImage, known);

            assertThat(apollo.ok("artifact", "push", archive.toString(), "--name", "web-image", "--version", "1.0.0").out())
                    .startsWith("Pushed web-image:1.0.0 (image, ");
            apollo.ok("deploy", "web-image:1.0.0", "-n", "1");
            apollo.ok("route", "add", "/", "web-image");
            apollo.awaitHealthy("web-image", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", "X-Apollo-Env", "production").body(),
                    body -> body.contains("\"service\":\"web-image\""));

            assertThat(apollo.ok("artifact", "push", "--image", known, "--name", "web-known", "--version", "1.0.0").out())
                    .startsWith("Recorded image " + known + " as web-known:1.0.0 (image, ");
            apollo.ok("deploy", "web-known:1.0.0", "-n", "1");
            apollo.awaitHealthy("web-known", 1);

            assertThat(apollo.ok("artifact", "list").out()).contains("jar", "image " + known);
            Apollo.Result missing = apollo.cli("artifact", "push", "--image", "apollo-e2e/none:" + tag, "--name", "none",
                    "--version", "1.0.0");
            assertThat(missing.exit()).as(missing.all()).isEqualTo(1);
            assertThat(missing.all()).contains("has no image apollo-e2e/none:" + tag, "docker load");
        } finally {
            for (String image : List.of(saved, known)) {
                if (!docker("images", "-q", image).isBlank()) {
                    docker("rmi", image);
                }
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static List<String> ids(ServiceStatus status) {
        return status.instances().stream().map(InstanceView::id).toList();
    }

    /** The namespace the control plane of {@code home} gives its services (Backends.swarmNamespace). */
    private static String namespace(Path home) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(home.toRealPath().toString()
                .getBytes(StandardCharsets.UTF_8));
        return "apollo-" + java.util.HexFormat.of().formatHex(digest).substring(0, 8);
    }

    /** The container of an instance: its id ends with its task's id. */
    private static String container(String instanceId) {
        String task = instanceId.substring(instanceId.lastIndexOf('-') + 1);
        return docker("ps", "-q", "--filter", "label=com.docker.swarm.task.id=" + task).strip();
    }

    private static String docker(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("%s: %s", command, out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
