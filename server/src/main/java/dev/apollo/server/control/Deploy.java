package dev.apollo.server.control;

import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.RoutePath;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated deploy request, ready for the controller.
 *
 * @param testbed run it as the service's testbed instead of replacing the live release
 * @param paths web path rules to point at the service
 * @param variables the deploy's own variables ({@code --env}), over the service's stored configuration
 * @param arguments what the program gets after the jar ({@code --arg})
 * @param jvmOptions options for the instance's JVM ({@code --jvm-opt})
 */
public record Deploy(
        ArtifactRef artifact,
        int instances,
        EnvironmentName environment,
        HealthCheck health,
        int memoryMb,
        Duration deadline,
        boolean testbed,
        List<RoutePath> paths,
        Map<VariableName, String> variables,
        List<String> arguments,
        List<String> jvmOptions) {

    public Deploy {
        paths = List.copyOf(paths);
        variables = Map.copyOf(variables);
        arguments = List.copyOf(arguments);
        jvmOptions = List.copyOf(jvmOptions);
    }
}
