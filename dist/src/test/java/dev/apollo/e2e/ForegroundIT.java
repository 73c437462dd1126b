package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.InstanceView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `apollo up` in the foreground, stopped as a terminal and as a supervisor stop it: Ctrl-C (SIGINT to
 * the terminal's foreground process group) and SIGTERM to `apollo up` itself stop the control plane
 * only; instances and the gateway keep serving, and the next start adopts them.
 */
class ForegroundIT {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final List<String> PORTS = List.of("--listen", "127.0.0.1:0", "--web", "127.0.0.1:0", "--rpc", "127.0.0.1:0");

    @Test
    void ctrlCAndSigtermStopTheControlPlaneOnlyAndTheNextStartAdoptsWhatRuns(@TempDir Path home) throws Exception {
        Path terminal = home.resolve("terminal.out");
        // A terminal: script(1) runs apollo up on a pseudo-terminal, whose line discipline turns the byte 0x03
        // on its input into SIGINT for the foreground process group, exactly as a Ctrl-C typed by a person.
        Process up = start(home, terminal, List.of("script", "-qfec",
                "'" + JAVA + "' -jar '" + Apollo.JAR + "' up " + String.join(" ", PORTS), "/dev/null"));
        try (Apollo apollo = Apollo.in(home)) {
            awaitAnswering(apollo, up, terminal);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(terminal).contains("Logs:"));
            assertThat(Files.readString(terminal)).contains("Ctrl-C or SIGTERM stops it",
                    "Logs: control plane: this terminal; gateway: " + home.resolve("gateway.log"), "apollo logs SERVICE");
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1");
            InstanceView instance = apollo.awaitHealthy("web-service", 1).instances().getFirst();
            ProcessHandle server = ProcessHandle.of(apollo.serverPid()).orElseThrow();
            long gateway = apollo.gatewayPid();

            up.getOutputStream().write(3);
            up.getOutputStream().flush();

            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("apollo up stops on Ctrl-C").isTrue();
            assertThat(up.exitValue()).as("128 + SIGINT").isEqualTo(130);
            assertStoppedAlone(apollo, server, instance, gateway);
            assertThat(Files.readString(terminal)).contains("Apollo control plane stopped.").doesNotContain("Exception");

            // A supervisor's stop: SIGTERM to apollo up alone, which passes it on to the control plane it runs.
            Path output = home.resolve("up.out");
            Process again = start(home, output, command("up"));
            awaitAnswering(apollo, again, output);
            assertThat(apollo.awaitHealthy("web-service", 1).instances()).extracting(InstanceView::id).containsExactly(instance.id());
            assertThat(apollo.gatewayPid()).as("the gateway, adopted").isEqualTo(gateway);
            // Its output is a file here, so the control plane keeps that file under its cap.
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(output).contains("Logs:"));
            assertThat(Files.readString(output)).contains("Logs: control plane: " + output + ";");
            ProcessHandle second = ProcessHandle.of(apollo.serverPid()).orElseThrow();

            again.destroy();

            assertThat(again.waitFor(60, TimeUnit.SECONDS)).as("apollo up stops on SIGTERM").isTrue();
            assertThat(again.exitValue()).as("128 + SIGTERM").isEqualTo(143);
            assertStoppedAlone(apollo, second, instance, gateway);
            assertThat(Files.readString(output)).contains("Apollo control plane stopped.").doesNotContain("Exception");
        } finally {
            up.destroyForcibly();
        }
    }

    private static void assertStoppedAlone(Apollo apollo, ProcessHandle server, InstanceView instance, long gateway) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(apollo.home().resolve("server.json")).as("withdrawn").doesNotExist();
        assertThat(apollo.instanceProcess(instance.id())).as("the instance").isPresent();
        assertThat(apollo.get(instance.address(), "/health/is_alive")).contains("alive");
        assertThat(ProcessHandle.of(gateway).map(ProcessHandle::isAlive)).as("the gateway").contains(true);
    }

    /** apollo up answers, or the test fails with what it printed (it may have refused to start). */
    private static void awaitAnswering(Apollo apollo, Process up, Path output) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> apollo.cli("status").exit() == 0 || !up.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("apollo up did not answer within 60 s; its output: " + read(output), e);
        }
        assertThat(up.isAlive()).as("apollo up runs; its output: %s", read(output)).isTrue();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none yet)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", Apollo.JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(PORTS);
        return command;
    }

    private static Process start(Path home, Path output, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().put("APOLLO_HOME", home.toString());
        builder.environment().remove("APOLLO_SERVER");
        return builder.start();
    }
}
