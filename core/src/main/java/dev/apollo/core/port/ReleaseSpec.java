package dev.apollo.core.port;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.config.Placeholders;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a scheduler needs to run the instances of one release. A cluster engine turns it into
 * one object of its own (a Swarm service, a Kubernetes deployment); the local scheduler into
 * processes.
 *
 * @param artifact where the runnable lives, in the form {@code kind} implies (a {@code file:} jar, an
 *     image reference)
 * @param variables what every instance gets in its environment; the scheduler adds {@code PORT} and
 *     {@code APOLLO_INSTANCE_ID}, which differ per instance, and expands {@code ${NAME}} placeholders
 *     with them ({@link dev.apollo.core.config.Placeholders})
 * @param secrets variables whose values are secret: given as they are (never expanded), never
 *     written anywhere but the instance's environment, never printed
 * @param arguments what the program gets after the artifact, placeholders expanded like variables
 * @param jvmOptions options for the JVM of a jar, placeholders expanded like variables
 */
public record ReleaseSpec(
        ReleaseId id,
        EnvironmentName environment,
        ServiceName service,
        Version version,
        ArtifactKind kind,
        URI artifact,
        int memoryMb,
        Map<String, String> variables,
        Map<String, String> secrets,
        List<String> arguments,
        List<String> jvmOptions) {

    public ReleaseSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(artifact, "artifact");
        variables = Map.copyOf(variables);
        secrets = Map.copyOf(secrets);
        arguments = List.copyOf(arguments);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** A spec that runs with no configuration of its own: the platform's variables only. */
    public static ReleaseSpec plain(ReleaseId id, EnvironmentName environment, ServiceName service, Version version,
            ArtifactKind kind, URI artifact, int memoryMb, Map<String, String> variables) {
        return new ReleaseSpec(id, environment, service, version, kind, artifact, memoryMb, variables, Map.of(), List.of(),
                List.of());
    }

    /** What an instance's environment holds: the variables expanded for it, then the secrets as they are. */
    public Map<String, String> environmentFor(Map<String, String> instanceVariables) {
        Map<String, String> given = new java.util.HashMap<>(variables);
        given.putAll(instanceVariables);
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        variables.forEach((name, value) -> environment.put(name, Placeholders.expand(value, given)));
        environment.putAll(instanceVariables);
        environment.putAll(secrets);
        return environment;
    }

    /** An argument or JVM option as an instance gets it. */
    public static String expand(String template, Map<String, String> variables, Map<String, String> instanceVariables) {
        Map<String, String> given = new java.util.HashMap<>(variables);
        given.putAll(instanceVariables);
        return Placeholders.expand(template, given);
    }

    /** Names the secrets, never their values: a spec may end up in a log line or an exception. */
    @Override
    public String toString() {
        return "ReleaseSpec[" + id + " " + service + ":" + version + " in " + environment + ", " + kind + " " + artifact
                + ", " + memoryMb + " MB, variables " + variables.keySet() + ", secrets " + secrets.keySet() + ", arguments "
                + arguments + ", JVM options " + jvmOptions + "]";
    }
}
