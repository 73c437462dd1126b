package dev.apollo.core.port;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a scheduler needs to start one instance.
 *
 * @param artifact where the runnable lives, in a form the scheduler understands (a {@code file:}
 *     jar for the local scheduler; an image reference for a container scheduler)
 * @param environment variables the instance gets besides {@code PORT}, which the scheduler assigns
 */
public record InstanceSpec(
        InstanceId id,
        ReleaseId release,
        EnvironmentName env,
        ServiceName service,
        Version version,
        URI artifact,
        int memoryMb,
        Map<String, String> environment) {

    public InstanceSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(artifact, "artifact");
        environment = Map.copyOf(environment);
    }
}
