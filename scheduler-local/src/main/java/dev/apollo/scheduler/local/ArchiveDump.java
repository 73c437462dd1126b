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
 * Makes a class-data archive in a JVM of its own, from the classes an instance recorded while it ran
 * ({@code -XX:DumpLoadedClassList}): {@code java -Xshare:dump -XX:SharedClassListFile=<list> -cp <jar>}.
 *
 * <p>Why not let the instance write the archive as it exits ({@code -XX:ArchiveClassesAtExit})? Because then the
 * writing happens inside the service, while it stops: a JVM stopped by SIGTERM while its threads were still
 * loading classes aborted (exit 134 instead of 143), and an instance killed mid-write leaves a broken file. A
 * separate JVM that only dumps cannot take a service down with it, and it can run while the service keeps
 * serving. The archive it makes is a static one: the JDK's own classes and the jar's, in one file.
 */
record ArchiveDump(Path java, Duration timeout) {

    /**
     * Writes the archive of {@code jar} to {@code output}; empty when it worked, else why not. The list may still be
     * growing (its instance runs): only its complete lines are used.
     *
     * @param jvmOptions the options instances run with, which the archive must be made with
     */
    Optional<String> make(Path classList, Path jar, List<String> jvmOptions, Path output) throws IOException {
        String recorded = Files.readString(classList, StandardCharsets.UTF_8);
        String complete = recorded.substring(0, recorded.lastIndexOf('\n') + 1);
        if (complete.isEmpty()) {
            return Optional.of("the instance recorded no class");
        }
        Path snapshot = Files.createTempFile(output.getParent(), output.getFileName().toString(), ".classes");
        Path said = Files.createTempFile(output.getParent(), output.getFileName().toString(), ".log");
        Process dump = null;
        try {
            Files.writeString(snapshot, complete, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(java.toString()));
            jvmOptions.stream().filter(option -> !option.startsWith("-Xshare")).forEach(command::add);
            command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + snapshot, "-XX:SharedArchiveFile=" + output,
                    "-cp", jar.toString()));
            dump = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(said.toFile()).start();
            if (!dump.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.of("the dump took longer than " + timeout.toSeconds() + " s");
            }
            return dump.exitValue() == 0 ? Optional.empty()
                    : Optional.of("the dump exited with " + dump.exitValue() + ": " + lastLines(said));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } finally {
            if (dump != null) {
                dump.destroyForcibly(); // nothing when it ended; a dump left running would hold the output file
            }
            Files.deleteIfExists(snapshot);
            Files.deleteIfExists(said);
        }
    }

    private static String lastLines(Path output) throws IOException {
        List<String> lines = Files.readString(output, StandardCharsets.UTF_8).strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
