package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
record ArchiveDump(JvmRun jvm) {
    private static final String PARSE_ERROR = "An error has occurred while processing class list file";

    /**
     * Writes the archive of {@code jar} to {@code output}; empty when it worked, else why not. The list may still be
     * growing (its instance runs), or have been left by a JVM stopped mid-write: only its whole, well-formed lines
     * are used ({@link ClassList}). Should the JDK's parser still refuse the list, the dump is tried once more with
     * only the names of the classes, which any parser takes.
     *
     * @param jvmOptions the options instances run with, which the archive must be made with
     */
    Optional<String> make(Path classList, Path jar, List<String> jvmOptions, Path output) throws IOException {
        List<String> lines = ClassList.wellFormed(ClassList.completeLines(Files.readAllBytes(classList)));
        if (lines.isEmpty()) {
            return Optional.of("the instance recorded no class");
        }
        JvmRun.Result first = dump(lines, jar, jvmOptions, output);
        if (first.succeeded()) {
            return Optional.empty();
        }
        Optional<String> refused = parseError(first);
        if (refused.isEmpty()) {
            return Optional.of("the dump " + first.describe(jvm.timeout(), 3));
        }
        List<String> names = ClassList.namesOnly(lines);
        if (names.isEmpty()) {
            return Optional.of("the JDK refused the class list (" + refused.get() + ")");
        }
        JvmRun.Result second = dump(names, jar, jvmOptions, output);
        return second.succeeded() ? Optional.empty() : Optional.of("the JDK refused the class list (" + refused.get()
                + "), and the dump of its class names alone " + second.describe(jvm.timeout(), 3));
    }

    private JvmRun.Result dump(List<String> lines, Path jar, List<String> jvmOptions, Path output) throws IOException {
        Path snapshot = Files.createTempFile(output.getParent(), output.getFileName().toString(), ".classes");
        try {
            Files.write(snapshot, lines, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            List<String> arguments = new ArrayList<>();
            jvmOptions.stream().filter(option -> !option.startsWith("-Xshare")).forEach(arguments::add);
            arguments.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + snapshot, "-XX:SharedArchiveFile=" + output,
                    "-cp", jar.toString()));
            return jvm.run(arguments, output.getParent());
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    /** The parser's own words when it refused the list: where, what, and the line (its last lines only say "format error"). */
    private static Optional<String> parseError(JvmRun.Result result) {
        List<String> output = result.output();
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i).startsWith(PARSE_ERROR)) {
                return Optional.of(String.join(" ", output.subList(i, Math.min(output.size(), i + 3))).strip());
            }
        }
        return Optional.empty();
    }
}
