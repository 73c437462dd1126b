package dev.apollo.core.port;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import java.net.URI;
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
 *     {@code APOLLO_INSTANCE_ID}, which differ per instance
 */
public record ReleaseSpec(
        ReleaseId id,
        EnvironmentName environment,
        ServiceName service,
        Version version,
        ArtifactKind kind,
        URI artifact,
        int memoryMb,
        Map<String, String> variables) {

    public ReleaseSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(artifact, "artifact");
        variables = Map.copyOf(variables);
    }
}
