package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A short-lived JVM the scheduler runs for itself (to make or check a class-data archive), with a timeout: what it
 * said (standard output and error, together) and how it ended. A JVM still running at the timeout is killed, and one
 * left by an interrupt too, so that none outlives the call.
 */
record JvmRun(Path java, Duration timeout) {

    /** @param exit its exit code, empty when it did not end within the timeout (or the wait was interrupted) */
    record Result(Optional<Integer> exit, List<String> output) {
        boolean succeeded() {
            return exit.isPresent() && exit.get() == 0;
        }

        /** How it ended, for a log line: "exited with 1: LAST | LINES", "took longer than 30 s". */
        String describe(Duration timeout, int lines) {
            if (exit.isEmpty()) {
                return "took longer than " + timeout.toSeconds() + " s (or was interrupted)";
            }
            List<String> said = output.stream().filter(line -> !line.isBlank()).toList();
            return "exited with " + exit.get() + ": " + String.join(" | ", said.subList(Math.max(0, said.size() - lines),
                    said.size()));
        }
    }

    /** Runs {@code java ARGUMENTS}; its output goes through a temporary file in {@code scratch}, deleted after. */
    Result run(List<String> arguments, Path scratch) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(arguments);
        Path said = Files.createTempFile(scratch, "jvm", ".log");
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(said.toFile()).start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(ended ? Optional.of(process.exitValue()) : Optional.empty(), output(said));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Optional.empty(), List.of());
        } finally {
            if (process != null) {
                process.destroyForcibly(); // nothing when it ended; one left running would hold its files
            }
            Files.deleteIfExists(said);
        }
    }

    private static List<String> output(Path said) throws IOException {
        // Its own messages, whatever their encoding: never a reason to fail.
        return new String(Files.readAllBytes(said), StandardCharsets.UTF_8).lines().toList();
    }
}
