package dev.apollo.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a process that does not lean on us: its input is {@code /dev/null} and its output
 * goes to a file, never through a pipe to the JVM, so it neither blocks nor dies of a broken pipe
 * when we are gone. Immutable; each {@code with} returns a new launch.
 *
 * <pre>{@code
 * Process process = Launch.of(List.of("java", "-jar", jar))
 *         .inOwnSession()
 *         .appendingOutputTo(dir.resolve("output.log"))
 *         .withEnvironment(Map.of("PORT", "8080"))
 *         .start();
 * }</pre>
 *
 * @param command the program and its arguments
 * @param ownSession whether it runs in a session of its own (see {@link #inOwnSession()})
 * @param directory its working directory; empty: ours
 * @param output the file its standard output and error are appended to; empty: discarded
 * @param environment exactly its environment; empty: a copy of ours
 */
public record Launch(List<String> command, boolean ownSession, Optional<Path> directory, Optional<Path> output,
        Optional<Map<String, String>> environment) {

    /**
     * setsid execs in place when its caller is no process group leader, and a child of the JVM is
     * none: the pid we get is the process's own, not that of a wrapper.
     */
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final File NO_INPUT = new File("/dev/null");

    public Launch {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: empty (expected: the program and its arguments)");
        }
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(output, "output");
        environment = environment.map(Map::copyOf);
    }

    public static Launch of(List<String> command) {
        return new Launch(command, false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * In a session of its own, where {@code /usr/bin/setsid} exists: a Ctrl-C or a hang-up meant
     * for our terminal does not reach it, so it keeps running when a foreground control plane is
     * stopped. Without setsid (macOS) it starts in ours.
     */
    public Launch inOwnSession() {
        return new Launch(command, true, directory, output, environment);
    }

    public Launch inDirectory(Path newDirectory) {
        return new Launch(command, ownSession, Optional.of(newDirectory), output, environment);
    }

    /** Standard output and error, appended: what an earlier run wrote to the file stays. */
    public Launch appendingOutputTo(Path file) {
        return new Launch(command, ownSession, directory, Optional.of(file), environment);
    }

    /** Exactly these variables and none of ours: what we run with (an agent, a debug port) is not for it. */
    public Launch withEnvironment(Map<String, String> variables) {
        return new Launch(command, ownSession, directory, output, Optional.of(variables));
    }

    /** Starts the process; the pid of the returned {@link Process} is the program's own, in its own session or not. */
    public Process start() throws IOException {
        List<String> line = new ArrayList<>();
        if (ownSession && Files.isExecutable(SETSID)) {
            line.add(SETSID.toString());
        }
        line.addAll(command);
        if (output.isPresent() && !Files.exists(output.get())) {
            // Output is private to the user: logs carry whatever a program prints, secrets included.
            Files.createFile(output.get(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectErrorStream(true)
                .redirectOutput(output.map(file -> ProcessBuilder.Redirect.appendTo(file.toFile()))
                        .orElse(ProcessBuilder.Redirect.DISCARD));
        directory.ifPresent(dir -> builder.directory(dir.toFile()));
        environment.ifPresent(variables -> {
            builder.environment().clear();
            builder.environment().putAll(variables);
        });
        return builder.start();
    }
}
