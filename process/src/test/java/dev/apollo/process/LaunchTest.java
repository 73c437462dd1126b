package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LaunchTest {
    @RegisterExtension
    final Children children = new Children();

    @TempDir
    Path dir;

    @Test
    void aProcessInItsOwnSessionIsNotInOursAndKeepsItsPid() throws IOException {
        assumeThat(Path.of("/usr/bin/setsid")).isExecutable();
        assumeThat(Path.of("/proc/self/stat")).exists();

        Process process = children.start(Launch.of(List.of("sleep", "30")).inOwnSession());

        Children.awaitText(Path.of("/proc", Long.toString(process.pid()), "cmdline"), "sleep");
        assertThat(Processes.commandLine(process.toHandle())).as("setsid exec'd in place").isEqualTo("sleep 30");
        assertThat(Children.session(process.pid())).isEqualTo(process.pid()).isNotEqualTo(Children.session(ProcessHandle.current().pid()));
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void withoutItsOwnSessionAProcessStaysInOurs() throws IOException {
        assumeThat(Path.of("/proc/self/stat")).exists();

        Process process = children.start(Launch.of(List.of("sleep", "30")));

        assertThat(Children.session(process.pid())).isEqualTo(Children.session(ProcessHandle.current().pid()));
    }

    @Test
    void outputAndErrorsAreAppendedToTheFile() throws Exception {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "from before\n");

        Process process = children.start(Launch.of(List.of("sh", "-c", "echo out; echo err >&2")).inOwnSession()
                .appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).isEqualTo("from before\nout\nerr\n");
    }

    @Test
    void aNewOutputFileIsPrivateToItsUser() throws Exception {
        Path log = dir.resolve("new.log");

        Process process = children.start(Launch.of(List.of("sh", "-c", "echo secret")).appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(log)).isEqualTo("secret\n");
    }

    @Test
    void theEnvironmentIsExactlyTheOneGiven() throws Exception {
        Path log = dir.resolve("env.log");

        Process process = children.start(Launch.of(List.of("/usr/bin/env")).inOwnSession()
                .withEnvironment(Map.of("PORT", "8080", "GREETING", "hello world")).appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("PORT=8080", "GREETING=hello world");
    }

    @Test
    void withoutAnEnvironmentItHasOurs() throws Exception {
        Path log = dir.resolve("env.log");

        Process process = children.start(Launch.of(List.of("sh", "-c", "echo \"$PATH\"")).appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log).strip()).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void itReadsEndOfFileNotAPipeToUs() throws Exception {
        Path log = dir.resolve("stdin.log");

        Process process = children.start(Launch.of(List.of("sh", "-c", "cat; echo read to the end")).appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("cat got end-of-file at once").isTrue();
        assertThat(Files.readString(log)).isEqualTo("read to the end\n");
    }

    @Test
    void itRunsInTheDirectoryGiven() throws Exception {
        Path log = dir.resolve("pwd.log");
        Path work = Files.createDirectory(dir.resolve("work"));

        Process process = children.start(Launch.of(List.of("pwd")).inDirectory(work).appendingOutputTo(log));

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log).strip()).isEqualTo(work.toRealPath().toString());
    }

    @Test
    void aCommandIsNeverEmpty() {
        assertThatThrownBy(() -> Launch.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command: empty (expected: the program and its arguments)");
    }
}
