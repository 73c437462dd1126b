package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded gateway is supervised: it runs as two processes on the same listening sockets, one
 * serving and one standing by, and the control plane starts another as soon as one dies. kill -9 of
 * the serving one under load costs at most the requests in flight on it, the standby serves new
 * connections at once, and the API and CLI say what is going on.
 */
class GatewaySupervisionIT {
    private static final String ENV = "X-Apollo-Env";
    /** How the gateway names its event-loop threads (ProxyServer). */
    private static final String GATEWAY_LOOP_THREADS = "gateway-loop-";

    @Test
    void aKilledGatewayProcessIsReplacedWhileTheOtherServesAndStatusTellsTheTruth(@TempDir Path home) throws Exception {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
            JsonNode before = gateway(apollo);
            assertThat(before.path("state").asText()).isEqualTo("serving");
            assertThat(pids(before)).hasSize(2).contains(apollo.gatewayPid());
            // One process serves, with an event loop per two cores (the instances share the machine); the other stands
            // by with as many, idle, and the same listening sockets: one socket, held by both.
            long killed = before.path("serving").asLong();
            long standby = pids(before).stream().filter(pid -> pid != killed).findFirst().orElseThrow();
            assertThat(pids(before)).contains(killed);
            int loops = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
            for (long pid : pids(before)) {
                assertThat(eventLoopThreads(pid)).as("event loops of gateway process %d", pid).isEqualTo(loops);
            }
            String port = apollo.gateway().substring(apollo.gateway().lastIndexOf(':') + 1);
            assertThat(listeningSockets(killed, port)).as("sockets listening on %s", port).hasSize(1)
                    .isEqualTo(listeningSockets(standby, port));
            assertThat(apollo.ok("gateway", "status").out()).contains("state:", "serving",
                    "process " + killed + " serves", standby + " stands by");

            try (Load load = Load.start(apollo.gateway(), "/", 4, 2)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                int clients = 6;
                ProcessHandle.of(killed).orElseThrow().destroyForcibly();
                await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(killed).map(p -> !p.isAlive()).orElse(true));

                // From now on, while the replacement starts, the standby serves every new connection.
                for (int i = 0; i < 20; i++) {
                    assertThat(freshConnectionStatus(apollo.gateway())).as("request %d right after the kill", i).isEqualTo(200);
                }
                // Meanwhile the API never names the dead process as running.
                List<JsonNode> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    JsonNode now = gateway(apollo);
                    seen.add(now);
                    assertThat(pids(now)).doesNotContain(killed);
                    assertThat(now.path("state").asText()).isIn("serving", "degraded");
                    return now.path("state").asText().equals("serving");
                });
                int requestsAtRecovery = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > requestsAtRecovery + 200);
                load.stop();
                // Only requests in flight on the killed process (at most one per client) may fail.
                assertThat(load.failures()).as("failures").hasSizeLessThanOrEqualTo(clients);
                seen.stream().filter(s -> s.path("state").asText().equals("degraded")).forEach(s ->
                        assertThat(s.path("lastError").asText()).contains(Long.toString(killed), "exited"));
            }
            JsonNode after = gateway(apollo);
            assertThat(after.path("restarts").asInt()).isEqualTo(1);
            assertThat(pids(after)).hasSize(2).doesNotContain(killed);
            assertThat(after.path("serving").asLong()).as("the standby took over; its replacement stands by").isEqualTo(standby);
            assertThat(apollo.gatewayPid()).isNotEqualTo(killed);
            // `apollo up` on a running platform tells how its gateway is doing.
            assertThat(apollo.ok("up", "--detach").out()).contains("already running", "serving", "1 restart");

            // A stop (SIGTERM) of the serving process hands over too: it stops accepting and releases the lock before it
            // ends what it was serving, and the standby takes the connections queued on the shared socket: none refused.
            try (Load load = Load.start(apollo.gateway(), "/", 0, 3)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 100);
                ProcessHandle.of(standby).orElseThrow().destroy();
                await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(standby).map(p -> !p.isAlive()).orElse(true));
                int atExit = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > atExit + 100);
                load.stop();
                assertThat(load.failures()).as("failures").noneMatch(f -> f.contains("refused")).hasSizeLessThanOrEqualTo(3);
            }
            JsonNode handedOver = await().atMost(Duration.ofSeconds(30)).until(() -> gateway(apollo),
                    now -> now.path("state").asText().equals("serving"));
            assertThat(handedOver.path("serving").asLong()).isNotEqualTo(standby).isIn(pids(after).toArray());

            // Both processes killed at once: nothing serves until they are back, and status says "down" or
            // "degraded" meanwhile, then serving again on the same port.
            List<Long> both = pids(handedOver);
            both.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                // Gone before the API is asked: a process that dies while the answer is on its way was named truly.
                List<Long> gone = both.stream().filter(p -> ProcessHandle.of(p).isEmpty()).toList();
                JsonNode now = gateway(apollo);
                assertThat(pids(now)).doesNotContainAnyElementsOf(gone);
                return now.path("state").asText().equals("serving");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> freshConnectionStatus(apollo.gateway()) == 200);
            List<Long> last = pids(gateway(apollo));

            apollo.ok("down");
            await().atMost(Duration.ofSeconds(15)).until(() -> last.stream().noneMatch(p -> ProcessHandle.of(p).isPresent()));
        }
    }

    private static JsonNode gateway(Apollo apollo) {
        return apollo.json(apollo.api("GET", "/v1/gateway", null, true).body());
    }

    private static List<Long> pids(JsonNode gateway) {
        List<Long> pids = new ArrayList<>();
        gateway.path("pids").forEach(p -> pids.add(p.asLong()));
        return pids;
    }

    /**
     * The inodes of the sockets a process holds that listen on {@code port} (Linux: /proc/net/tcp and
     * tcp6, state 0A, matched against the process's descriptors).
     */
    private static List<String> listeningSockets(long pid, String port) throws IOException {
        String hexPort = String.format(":%04X", Integer.parseInt(port));
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                if (fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
                    listening.add(fields[9]);
                }
            }
        }
        List<String> held = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && listening.contains(target.substring(8, target.length() - 1))) {
                        held.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return held;
    }

    /** The event-loop threads a process runs (Linux: /proc/PID/task/TID/comm, cut to 15 characters). */
    private static long eventLoopThreads(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).startsWith(GATEWAY_LOOP_THREADS);
                } catch (IOException e) {
                    return false; // the thread ended meanwhile
                }
            }).count();
        }
    }

    /** One GET / on a new connection; its status, or -1 when the connection failed. */
    private static int freshConnectionStatus(String address) {
        String host = address.substring(0, address.lastIndexOf(':'));
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + ENV + ": production\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
