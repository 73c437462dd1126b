package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.testkit.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real control planes (apollo up --detach, each with a data dir of its own) on one real PostgreSQL
 * database: kill -9 of the leader hands the lead to a standby within the lease; a leader stopped
 * with SIGSTOP past its lease and then resumed writes nothing, steps down and says so.
 */
class LeaderElectionIT {
    private static final Logger LOG = Logger.getLogger(LeaderElectionIT.class.getName());
    private static final String LEASE_MS = "2000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<Apollo> planes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (Apollo plane : planes) {
            ProcessHandle.of(pid(plane)).ifPresent(p -> signal(p.pid(), "CONT"));
            plane.close();
        }
    }

    @Test
    void aStandbyTakesOverFromAKilledLeaderAndAResumedExLeaderStepsDown() throws IOException {
        PostgresCluster cluster = PostgresCluster.shared();
        String store = cluster.url(cluster.createDatabase());
        Path password = Files.writeString(dir.resolve("store-password"), PostgresCluster.PASSWORD + "\n");

        Apollo a = start("a", store, password);
        awaitMode(a, "leader");
        Apollo b = start("b", store, password);
        awaitMode(b, "standby");

        Apollo.Result refused = b.cli("env", "create", "stage1");
        assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("standby").contains("--server " + a.url());
        assertThat(a.api("POST", "/v1/environments", "{\"name\":\"stage1\"}", true).statusCode()).isEqualTo(201);

        // kill -9 of the leader: the standby leads once the lease runs out.
        long killedAt = System.nanoTime();
        ProcessHandle.of(pid(a)).orElseThrow().destroyForcibly();
        awaitMode(b, "leader");
        LOG.info("the standby led " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after kill -9 of the leader (lease "
                + LEASE_MS + " ms)");
        assertThat(b.api("POST", "/v1/environments", "{\"name\":\"stage2\"}", true).statusCode()).isEqualTo(201);

        // A third control plane stands by; the leader is paused past its lease, the standby takes over.
        Apollo c = start("c", store, password);
        awaitMode(c, "standby");
        signal(pid(b), "STOP");
        awaitMode(c, "leader");
        signal(pid(b), "CONT");

        awaitMode(b, "stepped-down");
        assertThat(Files.readString(b.home().resolve("server.log"))).contains("STEPPING DOWN");
        Apollo.Result steppedDown = b.cli("status");
        assertThat(steppedDown.out()).contains("is stepped-down").contains("leader").contains(c.url());
        var write = b.api("POST", "/v1/environments", "{\"name\":\"stage3\"}", true);
        assertThat(write.statusCode()).isEqualTo(503);
        assertThat(write.headers().firstValue("X-Apollo-Leader")).contains(c.url());
        assertThat(write.body()).contains("stepped down");
        assertThat(c.api("GET", "/v1/environments", null, true).body()).contains("stage1").contains("stage2").doesNotContain("stage3");

        Apollo.Result status = c.ok("status");
        assertThat(status.out()).contains("is leader").contains("CONTROL PLANE").contains("silent");
    }

    private Apollo start(String name, String store, Path password) throws IOException {
        Apollo plane = Apollo.up(Files.createDirectories(dir.resolve(name)), "--store", store, "--store-password-file",
                password.toString(), "--lease-ms", LEASE_MS);
        planes.add(plane);
        return plane;
    }

    /** Polls the API rather than the CLI: a JVM per poll would make the wait, not the failover, what is measured. */
    private static void awaitMode(Apollo plane, String mode) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> plane.json(plane.api("GET", "/v1/leadership", null, true).body()).path("mode").asText().equals(mode));
    }

    /** The control plane's pid, as its data dir announced it (read once: a killed one's file stays). */
    private static long pid(Apollo plane) {
        try {
            return plane.json(Files.readString(plane.home().resolve("server.json"))).get("pid").asLong();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            kill.waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
