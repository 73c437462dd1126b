package dev.apollo.server.control;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.RoutePath;
import java.time.Duration;
import java.util.List;

/**
 * A validated deploy request, ready for the controller.
 *
 * @param testbed run it as the service's testbed instead of replacing the live release
 * @param paths web path rules to point at the service
 */
public record Deploy(
        ArtifactRef artifact,
        int instances,
        EnvironmentName environment,
        HealthCheck health,
        int memoryMb,
        Duration deadline,
        boolean testbed,
        List<RoutePath> paths) {

    public Deploy {
        paths = List.copyOf(paths);
    }
}
