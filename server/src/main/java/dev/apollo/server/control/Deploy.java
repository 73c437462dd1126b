package dev.apollo.server.control;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import java.time.Duration;

/** A validated deploy request, ready for the controller. */
public record Deploy(
        ArtifactRef artifact, int instances, EnvironmentName environment, HealthCheck health, int memoryMb, Duration deadline) {}
