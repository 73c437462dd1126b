package dev.apollo.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The processes a test starts, killed after it whatever happened. Register with {@code @RegisterExtension}. */
final class Children implements AfterEachCallback {
    private final List<Process> started = new ArrayList<>();

    Process start(Launch launch) throws IOException {
        Process process = launch.start();
        started.add(process);
        return process;
    }

    /** A shell running {@code script}; {@code sh -c} puts {@code arguments} in $0, $1 ... */
    Process shell(String script, Path output, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script));
        command.addAll(List.of(arguments));
        return start(Launch.of(command).appendingOutputTo(output));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(Process::destroyForcibly);
    }

    /** Waits until {@code file} holds {@code text}: what a script writes once it is ready (a trap set, say). */
    static void awaitText(Path file, String text) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> Files.exists(file) && Files.readString(file).contains(text));
    }

    /** The session id, from the sixth field of {@code /proc/<pid>/stat}. */
    static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] afterCommand = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterCommand[3]); // state, ppid, pgrp, session
    }
}
