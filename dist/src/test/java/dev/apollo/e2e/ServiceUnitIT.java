package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.cli.local.ServiceUnit;
import dev.apollo.process.Launch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the unit of `apollo service-unit` relies on, done as systemd would do it (no systemd runs
 * here as PID 1): its ExecStart as the main process, in a session of its own with its output
 * appended to a file; `systemctl stop` with KillMode=process is SIGTERM to that process alone; the
 * next `systemctl start` runs the same command again; `apollo down` ends it with a success.
 */
class ServiceUnitIT {

    @Test
    void stoppingTheUnitsMainProcessLeavesInstancesAndTheGatewayForTheNextStartToAdopt(@TempDir Path home) throws Exception {
        // Free ports, and small logs, from the data dir's apollo.conf: the unit passes no flag but --home.
        Files.writeString(home.resolve("apollo.conf"), """
                listen = 127.0.0.1:0
                web = 127.0.0.1:0
                rpc = 127.0.0.1:0
                log-max-size = 256
                log-keep = 1
                """);
        Path log = home.resolve("server.log");
        try (Apollo apollo = Apollo.in(home)) {
            String unit = apollo.ok("service-unit").out();
            assertThat(unit).contains("KillMode=process\n", "SuccessExitStatus=143\n", "Restart=on-failure\n");
            List<String> execStart = ServiceUnit.execStart(unit).orElseThrow();

            Process main = Launch.of(execStart).inOwnSession().appendingOutputTo(log).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> apollo.cli("status").exit() == 0);
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1");
            InstanceView instance = apollo.awaitHealthy("web-service", 1).instances().getFirst();
            long gateway = apollo.gatewayPid();

            main.destroy(); // systemctl stop, KillMode=process: SIGTERM to the main process only

            assertThat(main.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(main.exitValue()).as("what SuccessExitStatus=143 takes as a clean stop").isEqualTo(143);
            assertThat(home.resolve("server.json")).doesNotExist();
            assertThat(apollo.instanceProcess(instance.id())).isPresent();
            assertThat(apollo.get(instance.address(), "/health/is_alive")).contains("alive");
            assertThat(ProcessHandle.of(gateway).map(ProcessHandle::isAlive)).contains(true);

            Process next = Launch.of(execStart).inOwnSession().appendingOutputTo(log).start(); // systemctl start
            await().atMost(Duration.ofSeconds(60)).until(() -> apollo.cli("status").exit() == 0);
            assertThat(apollo.awaitHealthy("web-service", 1).instances()).extracting(InstanceView::id).containsExactly(instance.id());
            assertThat(apollo.gatewayPid()).isEqualTo(gateway);
            assertThat(apollo.instanceProcesses()).hasSize(1);

            // The control plane's output, a file here (StandardOutput=append:FILE), is kept under apollo.conf's cap.
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("Logs:"));
            assertThat(LogFiles.whole(log)).isLessThanOrEqualTo(256);
            assertThat(home.resolve("server.log.1")).exists();
            assertThat(home.resolve("server.log.2")).doesNotExist();
            LogFiles.whole(home.resolve("server.log.1"));
            // The gateway keeps its own log under the same cap: it said it lost the control plane and found it again.
            Path gatewayLog = home.resolve("gateway.log");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(home.resolve("gateway.log.1")));
            assertThat(LogFiles.whole(gatewayLog)).isLessThanOrEqualTo(256);
            assertThat(Files.readString(home.resolve("gateway.log.1")) + Files.readString(gatewayLog)).contains("apollo-gateway:");
            LogFiles.whole(home.resolve("gateway.log.1"));

            apollo.ok("down"); // ends the main process with 0: Restart=on-failure does not start it again
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(next.exitValue()).isZero();
            assertThat(apollo.instanceProcesses()).isEmpty();
        }
    }
}
