package dev.apollo.server.probe;

import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Probe;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A program run on the control plane's machine, with the control plane's environment plus the
 * instance's address in {@code APOLLO_INSTANCE_HOST} and {@code APOLLO_INSTANCE_PORT}: passes when
 * it exits 0 within the timeout. Past the timeout it is killed, with whatever it started.
 */
public final class CommandProbe {
    /** How much of the output is kept: its last line says why the check failed, in status and events. */
    private static final int OUTPUT_KEPT = 4096;
    private static final int DETAIL_CHARS = 200;
    /** A child the program left behind may hold its output open; the probe does not wait for it. */
    private static final Duration OUTPUT_WAIT = Duration.ofMillis(200);

    private final Executor executor;

    CommandProbe(Executor executor) {
        this.executor = executor;
    }

    /**
     * Where the program of a command probe is, as the probe will run it: an absolute path as it is,
     * a bare name on the control plane's {@code PATH}. Empty when it is not there or not executable.
     */
    public static Optional<Path> locate(String program) {
        if (program.startsWith("/")) {
            return Optional.of(Path.of(program)).filter(CommandProbe::runnable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()) // an empty entry means the working directory: never looked in
                .map(dir -> Path.of(dir, program))
                .filter(CommandProbe::runnable)
                .findFirst();
    }

    private static boolean runnable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    CompletableFuture<ProbeResult> probe(Address address, Probe.Command command, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> run(address, command, timeout), executor);
    }

    private ProbeResult run(Address address, Probe.Command command, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().put("APOLLO_INSTANCE_HOST", address.host());
        builder.environment().put("APOLLO_INSTANCE_PORT", Integer.toString(address.port()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ProbeResult.failed(command.describe() + " could not start: " + e.getMessage());
        }
        Output output = new Output(process.getInputStream());
        Thread reader = Thread.ofVirtual().start(output::readAll);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return ProbeResult.failed(command.describe() + " timed out after " + timeout.toMillis() + " ms");
            }
            reader.join(OUTPUT_WAIT);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return ProbeResult.failed(command.describe() + " was interrupted (the control plane is stopping)");
        }
        int code = process.exitValue();
        return code == 0 ? ProbeResult.ok()
                : ProbeResult.failed(command.describe() + " exited with code " + code + output.lastLine().map(l -> ": " + l).orElse(""));
    }

    /** Children first: {@code sh -c 'sleep 60'} would otherwise leave its sleep running. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The program's output (stdout and stderr together), its last {@link #OUTPUT_KEPT} bytes kept. */
    private static final class Output {
        private final InputStream in;
        private final StringBuilder tail = new StringBuilder();

        Output(InputStream in) {
            this.in = in;
        }

        void readAll() {
            byte[] buffer = new byte[1024];
            try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process is gone or was killed; what was read is what there is.
            }
        }

        private synchronized void append(String text) {
            tail.append(text);
            if (tail.length() > OUTPUT_KEPT) {
                tail.delete(0, tail.length() - OUTPUT_KEPT);
            }
        }

        synchronized Optional<String> lastLine() {
            return tail.toString().lines().map(String::strip).filter(line -> !line.isEmpty())
                    .reduce((first, second) -> second)
                    .map(line -> line.length() > DETAIL_CHARS ? line.substring(0, DETAIL_CHARS) + "..." : line);
        }
    }
}
