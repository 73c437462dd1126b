package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.ServiceStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploys that go wrong: the live release keeps serving, the CLI says why, crash loops back off. */
class FailuresIT {

    @Test
    void aNewVersionThatNeverGetsHealthyFailsAtItsDeadlineAndTheLiveOneKeepsServing(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "2.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2");

            Apollo.Result failed = apollo.cli("deploy", "web-service:2.0.0", "-n", "2", "--health-path", "/nope", "--timeout", "4");

            assertThat(failed.exit()).as(failed.all()).isEqualTo(1);
            assertThat(failed.all()).contains("0 of 2 instances became healthy within the 4s deadline", "answered 404");
            ServiceStatus status = apollo.awaitHealthy("web-service", 2);
            assertThat(status.live().version()).isEqualTo("1.0.0");
            assertThat(status.deploying()).isNull();
            status.instances().forEach(i -> assertThat(apollo.get(i.address(), "/")).contains("\"version\":\"1.0.0\""));
            assertThat(apollo.ok("history", "web-service").out()).contains("failed", "live");
            await().atMost(Duration.ofSeconds(20)).until(() -> apollo.instanceProcesses().size() == 2);
        }
    }

    @Test
    void aCrashingArtifactBacksOffThenFailsWithItsOutput(@TempDir Path home) throws IOException {
        Path broken = home.resolve("broken.jar");
        writeJarWithAMissingMainClass(broken);
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", broken.toString(), "--name", "broken", "--version", "1.0.0");

            apollo.ok("deploy", "broken:1.0.0", "-n", "1", "--no-wait");

            ServiceStatus backingOff = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> apollo.status("broken").orElseThrow(), s -> s.restarts() >= 2 && s.backoffUntil() != null);
            assertThat(backingOff.lastExit()).contains("exited with code 1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> apollo.ok("history", "broken", "-o", "json").out().contains("\"failed\""));
            assertThat(apollo.ok("history", "broken").out()).contains("failed 5 times in a row");
            assertThat(apollo.instanceProcesses()).isEmpty();
            assertThat(apollo.ok("logs", "broken").out()).contains("Could not find or load main class example.Missing");
        }
    }

    @Test
    void theCliWaitingOnACrashingDeployExitsNonZeroWithTheInstancesLastOutput(@TempDir Path home) throws IOException {
        Path broken = home.resolve("broken.jar");
        writeJarWithAMissingMainClass(broken);
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", broken.toString(), "--name", "broken", "--version", "1.0.0");

            Apollo.Result result = apollo.cli("deploy", "broken:1.0.0", "-n", "1", "--timeout", "3");

            assertThat(result.exit()).as(result.all()).isEqualTo(1);
            assertThat(result.all()).contains("broken:1.0.0", "failed", "Could not find or load main class example.Missing");
        }
    }

    /** A jar java cannot run: every instance exits with code 1 at once ("Could not find or load main class example.Missing"). */
    static void writeJarWithAMissingMainClass(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Main-Class", "example.Missing");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // A jar java cannot run: every instance exits with code 1 at once.
        }
    }
}
