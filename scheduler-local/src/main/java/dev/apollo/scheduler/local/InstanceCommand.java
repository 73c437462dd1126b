package dev.apollo.scheduler.local;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
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

    /**
     * Instances run in a session of their own, so a Ctrl-C meant for a foreground control plane
     * does not reach them: they keep serving and the next control plane adopts them. setsid
     * execs in place (our child is no group leader), so the pid stays the instance's.
     */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

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
     * The process for {@code spec}, run in its directory. Output goes to a file the instance
     * appends to itself, never through a pipe to us: it keeps logging when the control plane dies.
     */
    static ProcessBuilder of(ReleaseSpec spec, InstanceId id, Path java, HomeMarker marker, int port, Path dir) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        Map<String, String> own = Map.of("APOLLO_INSTANCE_ID", id.value(), "PORT", Integer.toString(port));
        command.addAll(List.of(
                java.toString(),
                "-Xmx" + spec.memoryMb() + "m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"));
        // The service's own options come after ours, so that they win (the JVM takes the last of a kind).
        spec.jvmOptions().forEach(option -> command.add(ReleaseSpec.expand(option, spec.variables(), own)));
        command.addAll(List.of(
                marker.homeArgument(),
                HomeMarker.instanceArgument(id),
                "-jar",
                Path.of(spec.artifact()).toString()));
        spec.arguments().forEach(argument -> command.add(ReleaseSpec.expand(argument, spec.variables(), own)));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        Map<String, String> inherited = new HashMap<>(environment);
        environment.clear();
        for (String name : INHERITED_ENV) {
            if (inherited.containsKey(name)) {
                environment.put(name, inherited.get(name));
            }
        }
        environment.putAll(spec.environmentFor(own));
        return builder.directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new InstanceLog(dir).file().toFile()));
    }
}
