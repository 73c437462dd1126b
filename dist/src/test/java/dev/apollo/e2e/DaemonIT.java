package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.process.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `apollo up --detach` starts a true daemon: what happens to the caller's terminal or job does not reach it. */
class DaemonIT {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void aDetachedControlPlaneSurvivesAHangupAndAKillOfTheCallersProcessGroup(@TempDir Path home) throws Exception {
        // The caller: a shell in a process group of its own, as a terminal's job or a CI step is.
        ProcessBuilder caller = new ProcessBuilder("setsid", "bash", "-c",
                "\"$0\" -jar \"$1\" up --detach --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0"
                        + " --log-max-size 256 --log-keep 1 && exec sleep 600",
                JAVA, Apollo.JAR.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("caller.log").toFile());
        caller.environment().put("APOLLO_HOME", home.toString());
        Process shell = caller.start();
        try (Apollo apollo = Apollo.in(home)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> apollo.cli("status").exit() == 0);
            long server = apollo.serverPid();
            assertThat(session(server)).as("the control plane's session").isNotEqualTo(session(shell.pid()));
            assertThat(field(server, 7)).as("its controlling terminal").isEqualTo("0");
            // Standard streams on files: input from /dev/null, output and errors appended to server.log.
            Path log = home.resolve("server.log").toRealPath();
            assertThat(descriptor(server, 0)).isEqualTo(Path.of("/dev/null"));
            assertThat(descriptor(server, 1)).isEqualTo(log);
            assertThat(descriptor(server, 2)).isEqualTo(log);
            // ...and kept under the cap given, rotated between whole lines.
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("Logs:"));
            assertThat(LogFiles.whole(log)).isLessThanOrEqualTo(256);
            LogFiles.whole(home.resolve("server.log.1"));
            assertThat(home.resolve("server.log.2")).doesNotExist();
            assertThat(Processes.commandLine(ProcessHandle.of(apollo.gatewayPid()).orElseThrow()))
                    .as("the gateway is given the same cap").contains("--log-max-size 256 --log-keep 1");
            assertThat(descriptor(apollo.gatewayPid(), 1)).isEqualTo(home.resolve("gateway.log").toRealPath());
            assertThat(Files.readString(home.resolve("caller.log"))).doesNotContain("Exception");

            long group = Long.parseLong(field(shell.pid(), 5));
            new ProcessBuilder("kill", "-HUP", "--", "-" + group).start().waitFor();
            new ProcessBuilder("kill", "-KILL", "--", "-" + group).start().waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> !shell.isAlive());

            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).contains(true);
            assertThat(apollo.ok("status").out()).isNotBlank();
            assertThat(apollo.serverPid()).isEqualTo(server);
        } finally {
            shell.destroyForcibly();
        }
    }

    private static Path descriptor(long pid, int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd)));
    }

    private static String session(long pid) throws IOException {
        return field(pid, 6);
    }

    /** A field of /proc/PID/stat, counted from 1 as proc(5) does (5: process group, 6: session, 7: tty). */
    private static String field(long pid, int number) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command in field 2 may hold spaces; everything after its closing parenthesis splits cleanly.
        List<String> rest = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        return rest.get(number - 3);
    }
}
