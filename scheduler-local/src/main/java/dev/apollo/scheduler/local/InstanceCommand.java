package dev.apollo.scheduler.local;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.process.Launch;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How an instance is started: {@code java -jar} with our markers, its environment, its output file. */
final class InstanceCommand {
    // Passed on from the control plane; anything else an instance needs, the platform gives it.
    // Options for the JVM (JAVA_TOOL_OPTIONS and friends) are left out on purpose: an agent or a
    // debug port meant for the control plane would otherwise land in every instance.
    private static final List<String> INHERITED_ENV = List.of(
            "PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT");

    private InstanceCommand() {}

    /** Why the artifact cannot be run, in words for the exit reason; empty when it can. */
    static Optional<String> artifactProblem(URI artifact) {
        if (!"file".equalsIgnoreCase(artifact.getScheme())) {
            return Optional.of("artifact " + artifact + " is not a file: URI; the local scheduler runs jars"
                    + " from this machine's disk.");
        }
        Path jar;
        try {
            jar = Path.of(artifact);
        } catch (IllegalArgumentException e) {
            return Optional.of("artifact " + artifact + " is not a usable file path (" + e.getMessage() + ").");
        }
        if (!Files.isRegularFile(jar)) {
            return Optional.of("artifact file " + jar + " does not exist or is not a regular file.");
        }
        return Optional.empty();
    }

    /**
     * The JVM options every instance starts with, before its archive's and its own. The JIT is left as the JVM
     * sets it: capping it at C1 ({@code -XX:TieredStopAtLevel=1}) starts a JVM a little sooner but leaves a
     * long-running service at a fraction of its throughput; the start is won back with the artifact's class-data
     * archive ({@link ClassDataArchives}). The serial collector: one small heap per instance, many instances on a
     * few cores, where G1's concurrent threads and remembered sets cost memory and CPU that buy nothing (measured in
     * docs/BENCHMARKS.md). {@code -Xshare:auto}, the default, said out loud: a missing or unusable archive is a
     * warning in the instance's log, never a failed start.
     */
    static List<String> jvmDefaults(ReleaseSpec spec) {
        return List.of("-Xmx" + spec.memoryMb() + "m", "-XX:+UseSerialGC", "-Xshare:auto");
    }

    /**
     * The launch for {@code spec}, run in its directory. Instances run in a session of their own, so
     * a Ctrl-C meant for a foreground control plane does not reach them: they keep serving and the
     * next control plane adopts them. Output goes to a file the instance appends to itself, never
     * through a pipe to us: it keeps logging when the control plane dies.
     *
     * @param archiveOptions what {@link ClassDataArchives} gives this instance
     */
    static Launch of(ReleaseSpec spec, InstanceId id, Path java, List<String> archiveOptions, HomeMarker marker, int port,
            Path dir) {
        Map<String, String> own = Map.of("APOLLO_INSTANCE_ID", id.value(), "PORT", Integer.toString(port));
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmDefaults(spec));
        command.addAll(archiveOptions);
        // The service's own options come after ours, so that they win (the JVM takes the last of a kind).
        spec.jvmOptions().forEach(option -> command.add(ReleaseSpec.expand(option, spec.variables(), own)));
        command.addAll(List.of(
                marker.homeArgument(),
                HomeMarker.instanceArgument(id),
                "-jar",
                Path.of(spec.artifact()).toString()));
        spec.arguments().forEach(argument -> command.add(ReleaseSpec.expand(argument, spec.variables(), own)));
        Map<String, String> environment = new HashMap<>();
        for (String name : INHERITED_ENV) {
            String value = System.getenv(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        environment.putAll(spec.environmentFor(own));
        return Launch.of(command).inOwnSession().inDirectory(dir).withEnvironment(environment)
                .appendingOutputTo(new InstanceLog(dir).file());
    }
}
