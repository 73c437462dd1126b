package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {
    @RegisterExtension
    final Children children = new Children();

    @TempDir
    Path dir;

    @Test
    void theCurrentProcessRuns() {
        assertThat(Processes.running(ProcessHandle.current())).isTrue();
    }

    @Test
    void anUnreapedZombieDoesNotRunThoughTheJdkCallsItAlive() throws IOException {
        assumeThat(Path.of("/proc/self/stat")).exists();
        // The shell starts `true` and then becomes `sleep`, which never reaps it: a zombie.
        Process parent = children.start(Launch.of(List.of("sh", "-c", "true & exec sleep 60")));

        ProcessHandle zombie = await().atMost(Duration.ofSeconds(10))
                .until(() -> parent.toHandle().children().filter(ProcessesTest::zombie).findFirst(), Optional::isPresent)
                .orElseThrow();

        assertThat(zombie.isAlive()).isTrue();
        assertThat(Processes.running(zombie)).isFalse();
        assertThat(Processes.commandLine(zombie)).isEmpty();
    }

    @Test
    void aProcessThatEndedDoesNotRun() throws Exception {
        Process process = children.start(Launch.of(List.of("true")));
        process.waitFor();

        assertThat(Processes.running(process.toHandle())).isFalse();
    }

    @Test
    void theCommandLineIsWhatTheProcessShowsNow() throws IOException {
        assumeThat(Path.of("/bin/bash")).isExecutable();
        // exec -a names the program anew, as nginx gives itself a title
        Process process = children.start(Launch.of(List.of("/bin/bash", "-c", "exec -a 'title: master process' sleep 30")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Processes.commandLine(process.toHandle()), "title: master process 30"::equals);
    }

    @Test
    void argumentsAreThoseGivenWithoutTheProgram() throws IOException {
        Process process = children.start(Launch.of(List.of("sleep", "30")));

        await().atMost(Duration.ofSeconds(10)).until(() -> Processes.arguments(process.toHandle()), List.of("30")::equals);
    }

    @Test
    void findingByAMarkerFindsOnlyTheProcessesCarryingItExactly() throws IOException {
        String marker = "--state-file=" + dir.resolve(UUID.randomUUID().toString());
        // `; true` keeps sh from exec'ing sleep, which would drop the marker from the command line.
        String script = "echo started; sleep 30; true";
        Process ours = children.shell(script, dir.resolve("ours.log"), "sh", marker);
        Process longer = children.shell(script, dir.resolve("longer.log"), "sh", marker + "-other");
        Process other = children.shell(script, dir.resolve("other.log"), "sh", "--state-file=/elsewhere");
        Process notRunning = children.shell("true", dir.resolve("ended.log"), "sh", marker);
        Children.awaitText(dir.resolve("ours.log"), "started");
        Children.awaitText(dir.resolve("longer.log"), "started");
        Children.awaitText(dir.resolve("other.log"), "started");
        await().atMost(Duration.ofSeconds(10)).until(() -> !notRunning.isAlive());

        assertThat(Processes.carrying(marker)).containsExactly(ours.toHandle());
        assertThat(other.isAlive() && longer.isAlive()).isTrue();
    }

    private static boolean zombie(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
