package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.testkit.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real control planes (apollo up --detach, each with a data dir of its own) on one real PostgreSQL
 * database: kill -9 of the leader hands the lead to a standby within the lease, which adopts the leader's
 * instances (same ids, same processes, nothing started twice) with the event ids still counting up by one;
 * a leader stopped with SIGSTOP past its lease and then resumed writes nothing, steps down, says so and lets
 * go of the instances, which the next leader adopts in turn.
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

        var refused = b.api("POST", "/v1/environments", "{\"name\":\"stage1\"}", true);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("X-Apollo-Leader")).contains(a.url());
        assertThat(refused.body()).contains("standby").contains("--server " + a.url());
        // The CLI pointed at the standby follows it to the leader (the data dirs share one token file).
        b.ok("env", "create", "stage1");
        assertThat(a.api("GET", "/v1/environments", null, true).body()).contains("stage1");
        for (String version : List.of("1.0.0", "2.0.0")) {
            a.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
        }
        a.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
        a.awaitHealthy("web-service", 2);
        // Traffic goes through the standby's gateway, which follows the leader's route stream through its standby.
        await().atMost(PATIENCE).until(() -> b.viaGateway("/").statusCode() == 200);
        // Both of its processes (the kernel spreads connections over them), not only the one that answered.
        await().atMost(PATIENCE).until(() -> routesVersion(b, "gateway.json") == routesVersion(b, "gateway-2.json"));

        // The leader's own gateway too: a process of its own, it outlives the leader's kill -9 below.
        await().atMost(PATIENCE).until(() -> routesVersion(a, "gateway.json") == routesVersion(a, "gateway-2.json")
                && routesVersion(a, "gateway.json") == routesVersion(b, "gateway.json"));
        String orphanedGateway = a.gateway();

        try (Load load = Load.start(b.gateway(), "/", 3, 1); Load orphaned = Load.start(orphanedGateway, "/", 2, 1)) {
            await().atMost(PATIENCE).until(() -> load.requests() > 100 && orphaned.requests() > 50);
            // kill -9 of the leader in the middle of a blue/green upgrade, once its first new instance started.
            a.ok("deploy", "web-service:2.0.0", "-n", "2", "--no-wait");
            Set<String> started = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(
                    () -> a.status("web-service").orElseThrow().instances().stream().filter(i -> i.version().equals("2.0.0"))
                            .map(InstanceView::id).collect(Collectors.toSet()), ids -> !ids.isEmpty());
            long killedAt = System.nanoTime();
            ProcessHandle.of(pid(a)).orElseThrow().destroyForcibly();
            awaitMode(b, "leader");
            LOG.info("the standby led " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after kill -9 of the leader"
                    + " (lease " + LEASE_MS + " ms)");
            // Refused (503, no leader named) for the moment it takes over the instances, then accepted.
            await().atMost(PATIENCE).until(() -> b.api("POST", "/v1/environments", "{\"name\":\"stage2\"}", true)
                    .statusCode() == 201);

            // The new leader adopts the instances, old and new, and finishes the upgrade.
            ServiceStatus upgraded = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> b.awaitHealthy("web-service", 2), s -> s.live().version().equals("2.0.0") && s.deploying() == null);
            assertThat(upgraded.instances()).extracting(InstanceView::id).containsAll(started);
            // The killed leader's gateway cannot reach its own control plane: it turns to the peers its control plane
            // listed (peers.json), follows the new leader's stream and serves the upgrade it finished.
            await().atMost(PATIENCE).until(() -> versionOf(a.viaGateway("/")).equals("2.0.0")
                    && routesVersion(a, "gateway.json") == routesVersion(b, "gateway.json")
                    && routesVersion(a, "gateway-2.json") == routesVersion(b, "gateway.json"));
            LOG.info("the killed leader's gateway served the new leader's table " + (System.nanoTime() - killedAt) / 1_000_000
                    + " ms after kill -9 of the leader");
            int afterUpgrade = load.requests();
            await().atMost(PATIENCE).until(() -> load.requests() > afterUpgrade + 200
                    && versionOf(b.viaGateway("/")).equals("2.0.0"));
            load.stop();
            assertThat(load.failures()).as("failed requests of %d through the gateway; its log:%n%s%nthe new leader's log:%n%s",
                    load.requests(), tail(b.home().resolve("gateway.log")), tail(b.home().resolve("server.log"))).isEmpty();
            assertThat(load.versionSequences()).allSatisfy(seen -> assertThat(seen).endsWith("2.0.0"));
            int orphanedAfterUpgrade = orphaned.requests();
            await().atMost(PATIENCE).until(() -> orphaned.requests() > orphanedAfterUpgrade + 100);
            orphaned.stop();
            assertThat(orphaned.failures()).as("failed requests of %d through the killed leader's gateway; its log:%n%s",
                    orphaned.requests(), tail(a.home().resolve("gateway.log"))).isEmpty();
            assertThat(orphaned.versionSequences()).allSatisfy(seen -> assertThat(seen).endsWith("2.0.0"));
        }
        // The live release's instances; 1.0.0's stay warm beside them for the rollback window.
        Map<String, Long> instances = pids(a, b.awaitHealthy("web-service", 2));
        assertThat(b.instanceProcesses()).as("nothing started twice in the new leader's own data dir").isEmpty();
        Sse taken = eventsUntilElected(b, b.url());
        assertThat(taken.message()).contains("adopted the previous leader's instances in " + a.home().toRealPath());
        assertThat(eventsUntilElected(b, "DEPLOY_SUCCEEDED", "web-service:2.0.0").ids()).as("the upgrade's end, after the takeover")
                .hasSizeGreaterThan(taken.ids().size());
        // The new leader runs the old leader's artifact (same machine, its file) for an instance it starts itself.
        b.ok("scale", "web-service", "-n", "3");
        assertThat(pids(a, b.awaitHealthy("web-service", 3))).containsAllEntriesOf(instances);
        instances = pids(a, b.awaitHealthy("web-service", 3));

        // A third control plane stands by, with nginx as its gateway: managed from inside the control plane, it serves
        // the leader's table, which the standby follows for it. The leader is paused past its lease, the standby takes over.
        Apollo c = start("c", store, password, "--gateway", "nginx");
        awaitMode(c, "standby");
        await().atMost(PATIENCE).until(() -> versionOf(c.viaGateway("/")).equals("2.0.0"));
        signal(pid(b), "STOP");
        awaitMode(c, "leader");
        signal(pid(b), "CONT");

        awaitMode(b, "stepped-down");
        assertThat(Files.readString(b.home().resolve("server.log"))).contains("STEPPING DOWN");
        // The ex-leader let go of the instances when it stepped down; the new leader adopted them, no double.
        assertThat(pids(a, c.awaitHealthy("web-service", 3))).isEqualTo(instances);
        assertThat(b.instanceProcesses()).isEmpty();
        assertThat(c.instanceProcesses()).isEmpty();
        Sse again = eventsUntilElected(c, c.url());
        assertThat(again.message()).contains("adopted the previous leader's instances in " + a.home().toRealPath());

        Apollo.Result steppedDown = b.cli("status");
        assertThat(steppedDown.out()).contains("is stepped-down").contains("leader").contains(c.url());
        var write = b.api("POST", "/v1/environments", "{\"name\":\"stage3\"}", true);
        assertThat(write.statusCode()).isEqualTo(503);
        assertThat(write.headers().firstValue("X-Apollo-Leader")).contains(c.url());
        assertThat(write.body()).contains("stepped down");
        assertThat(c.api("GET", "/v1/environments", null, true).body()).contains("stage1").contains("stage2").doesNotContain("stage3");

        // Its own table now, made by its controller: the nginx it manages goes on serving.
        assertThat(versionOf(c.viaGateway("/"))).isEqualTo("2.0.0");
        Apollo.Result status = c.ok("status");
        assertThat(status.out()).contains("is leader").contains("CONTROL PLANE").contains("silent");

        // The nginx of a control plane that stepped down serves the next leader's table, not its last one: c is paused
        // past its lease in turn, a fourth control plane takes over, and a route it removes is gone from c's nginx too.
        Apollo d = start("d", store, password);
        awaitMode(d, "standby");
        signal(pid(c), "STOP");
        awaitMode(d, "leader");
        signal(pid(c), "CONT");
        awaitMode(c, "stepped-down");
        assertThat(versionOf(c.viaGateway("/"))).as("its last table meanwhile").isEqualTo("2.0.0");
        // Refused for the moment d takes over the instances, then done.
        await().atMost(PATIENCE).until(() -> d.cli("route", "remove", "/").exit() == 0);
        await().atMost(PATIENCE).until(() -> c.viaGateway("/").statusCode() == 404);
        // apollo down there stops its gateway too; the instances stay with the leader.
        c.ok("down");
        await().atMost(PATIENCE).until(() -> c.nginxMasters().isEmpty());
        assertThat(d.awaitHealthy("web-service", 3).instances()).hasSize(3);
    }

    /** The route-table version a gateway process serves, from its state file (-1 before it wrote one). */
    private static long routesVersion(Apollo plane, String stateFile) {
        try {
            return plane.json(Files.readString(plane.home().resolve(stateFile))).path("routesVersion").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** One event of the stream, with the ids of every event before it. */
    private record Sse(long id, String type, String message, List<Long> ids) {}

    /**
     * Reads the event log from its start until the LEADER_ELECTED event of the control plane at {@code url}, and
     * checks on the way that the ids count up by one from 1: none lost, none repeated, across every takeover.
     */
    private static Sse eventsUntilElected(Apollo plane, String url) {
        return eventsUntilElected(plane, "LEADER_ELECTED", url);
    }

    private static String versionOf(HttpResponse<String> response) {
        return response.statusCode() == 200 ? response.body().replaceAll("(?s).*\"version\":\"([^\"]+)\".*", "$1") : "";
    }

    private static Sse eventsUntilElected(Apollo plane, String wanted, String url) {
        return await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(plane.url() + "/v1/events?after=0"))
                    .header("Authorization", "Bearer " + plane.token()).timeout(Duration.ofSeconds(20)).build();
            try (HttpClient http = HttpClient.newHttpClient();
                    Stream<String> lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
                List<Long> ids = new ArrayList<>();
                Iterator<String> it = lines.iterator();
                long id = 0;
                String type = "";
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                        ids.add(id);
                        assertThat(ids).as("event ids in order, none lost or repeated").containsExactlyElementsOf(
                                LongStream.rangeClosed(1, ids.size()).boxed().toList());
                    } else if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ") && type.equals(wanted)) {
                        String message = plane.json(line.substring(6)).path("message").asText();
                        if (message.contains(url)) {
                            return new Sse(id, type, message, ids);
                        }
                    }
                }
                return null;
            }
        }, java.util.Objects::nonNull);
    }

    /** Each instance's id and the pid of its process (with {@code home}'s marker), as the status lists them. */
    private static Map<String, Long> pids(Apollo home, ServiceStatus status) {
        Map<String, Long> pids = new TreeMap<>();
        status.instances().forEach(i -> pids.put(i.id(), home.instanceProcess(i.id()).orElseThrow(
                () -> new AssertionError("no process for instance " + i.id())).pid()));
        return pids;
    }

    private Apollo start(String name, String store, Path password, String... flags) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        if (!planes.isEmpty()) {
            // One token for all: what the README asks of control planes sharing a store, so the CLI can follow.
            Files.copy(planes.getFirst().home().resolve("token"), home.resolve("token"));
        }
        List<String> up = new ArrayList<>(List.of("--store", store, "--store-password-file", password.toString(),
                "--lease-ms", LEASE_MS));
        up.addAll(List.of(flags));
        Apollo plane = Apollo.up(home, up.toArray(String[]::new));
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
