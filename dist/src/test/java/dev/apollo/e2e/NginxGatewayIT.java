package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every web gateway scenario again, through a real nginx whose configuration Apollo renders. Instance
 * changes go to nginx's Lua balancer without a reload, so the version flips exactly once here too
 * (the inherited test), and none of them reloads nginx, fails a request or cuts one in flight (below).
 */
class NginxGatewayIT extends GatewayIT {
    private static final String ENV = "X-Apollo-Env";
    /** How long the requests held across instance changes run; -Dapollo.it.heldMs=120000 for minutes. */
    private static final long HELD_MS = Long.getLong("apollo.it.heldMs", 20_000);
    /** nginx's worker_shutdown_timeout as Apollo renders it: what a structural reload gives requests in flight. */
    private static final Duration WORKER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--gateway", "nginx"};
    }

    private static long reloads(Apollo apollo) {
        return apollo.json(apollo.ok("gateway", "status", "-o", "json").out()).path("reloads").asLong(-1);
    }

    /**
     * One long streamed request in flight across each kind of instance change, and strict clients
     * around them: no reload, no failed request, and every held request streams to its end, on
     * instances that stay (upgrade, rollback: the old release stays warm) and on instances that are
     * drained and stopped (scale-down, replacement, testbed discard: SIGTERM lets the instance finish
     * it within --stop-grace, raised here above the held requests' length). A structural change still
     * reloads: a request shorter than worker_shutdown_timeout survives it, a longer one is cut there. A kill -9
     * of the control plane under load fails nothing either: its nginx serves on, and the next control plane adopts
     * it without giving it the empty table it starts with.
     */
    @Test
    void upgradeScaleReplacementTestbedAndRollbackUnderLoadReloadNginxNeverAndFailOrCutNoRequest(@TempDir Path home)
            throws Exception {
        String graceSeconds = Long.toString(HELD_MS / 1000 + 30);
        try (Apollo apollo = Apollo.up(home, "--gateway", "nginx", "--stop-grace", graceSeconds)) {
            for (String version : new String[] {"1.0.0", "2.0.0"}) {
                apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", version);
            }
            apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--path", "/", "--health-interval", "200");
            await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").statusCode() == 200);
            long reloads = reloads(apollo);
            assertThat(reloads).isGreaterThanOrEqualTo(0);
            List<HeldRequest> held = new ArrayList<>();

            // Strict clients too: a keep-alive connection closed under a request would be a failure, not a silent resend.
            long reloadsBeforeTheCrash;
            try (Load load = Load.start(apollo.gateway(), "/", 1, 1, 2)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 200);
                held.add(hold(apollo, "upgrade"));
                apollo.ok("deploy", "web-service:2.0.0", "-n", "2"); // upgrade
                held.add(hold(apollo, "scale-down-1"));
                held.add(hold(apollo, "scale-down-2")); // one of them is on the instance that goes
                apollo.ok("scale", "web-service", "-n", "1"); // scale-down
                apollo.awaitHealthy("web-service", 1);
                apollo.ok("scale", "web-service", "-n", "2");
                var scaled = apollo.awaitHealthy("web-service", 2);
                String sick = scaled.instances().stream().filter(i -> i.health().equals("healthy")).findFirst().orElseThrow().id();
                held.add(hold(apollo, "replacement-1"));
                held.add(hold(apollo, "replacement-2"));
                apollo.post(scaled.instances().stream().filter(i -> i.id().equals(sick)).findFirst().orElseThrow().address(),
                        "/admin/sick"); // replacement
                // The sick instance exits once it finished what it was serving (a held request, perhaps).
                await().atMost(Duration.ofMillis(HELD_MS).plusSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> apollo.instanceProcess(sick).isEmpty());
                apollo.awaitHealthy("web-service", 2);
                apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "--testbed"); // testbed
                await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production",
                        "X-Apollo-Testbed", "web-service").body().contains("1.0.0"));
                held.add(hold(apollo, "testbed-discard", "X-Apollo-Testbed: web-service"));
                apollo.ok("testbed", "discard", "web-service");
                held.add(hold(apollo, "rollback"));
                apollo.ok("rollback", "web-service"); // to the warm 1.0.0
                await().atMost(Duration.ofSeconds(10)).until(() -> apollo.viaGateway("/", ENV, "production").body()
                        .contains("\"version\":\"1.0.0\""));
                reloadsBeforeTheCrash = reloads(apollo);
                // kill -9 of the control plane: its nginx keeps serving, and the next control plane adopts it without
                // making it serve the empty table it starts with before its first look at the instances.
                ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
                server.destroyForcibly();
                await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());
                int whileDown = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > whileDown + 200);
                apollo.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> apollo.status("web-service")
                        .filter(status -> status.live() != null).isPresent());
                int after = load.requests();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > after + 200);
                load.stop();

                assertThat(load.failures()).as("failed requests of %d", load.requests()).isEmpty();
            }
            for (HeldRequest request : held) {
                try (request) {
                    HeldRequest.Outcome outcome = request.await(Duration.ofMillis(HELD_MS).plusSeconds(60));
                    assertThat(outcome.done()).as("the request held across the %s, on %s: %s", request.name(),
                            outcome.instance(), outcome).isTrue();
                }
            }
            assertThat(reloadsBeforeTheCrash).as("nginx reloads for upgrade, scale, replacement, testbed and rollback")
                    .isEqualTo(reloads);

            // A structural change still reloads (and is served): the old workers get worker_shutdown_timeout to finish.
            try (HeldRequest shorter = hold(apollo, "reload-shorter", Duration.ofSeconds(3).toMillis());
                    HeldRequest longer = hold(apollo, "reload-longer", WORKER_SHUTDOWN_TIMEOUT.plusSeconds(20).toMillis())) {
                long reloadsOfThisControlPlane = reloads(apollo);
                apollo.ok("route", "add", "/shop", "web-service");
                await().atMost(Duration.ofSeconds(10)).until(() -> reloads(apollo) == reloadsOfThisControlPlane + 1);
                assertThat(shorter.await(Duration.ofSeconds(30)).done()).as("a request shorter than worker_shutdown_timeout")
                        .isTrue();
                HeldRequest.Outcome cut = longer.await(WORKER_SHUTDOWN_TIMEOUT.plusSeconds(20));
                assertThat(cut.done()).as("a request longer than worker_shutdown_timeout: %s", cut).isFalse();
                assertThat(cut.statusLine()).startsWith("HTTP/1.1 200"); // it was streaming when the old worker closed it
            }
        }
    }

    private static HeldRequest hold(Apollo apollo, String name, String... headerLines) throws Exception {
        return hold(apollo, name, HELD_MS, headerLines);
    }

    private static HeldRequest hold(Apollo apollo, String name, long millis, String... headerLines) throws Exception {
        String[] lines = new String[headerLines.length + 1];
        lines[0] = ENV + ": production";
        System.arraycopy(headerLines, 0, lines, 1, headerLines.length);
        return HeldRequest.start(name, apollo.gateway(), millis, lines).awaitStarted(Duration.ofSeconds(10));
    }
}
