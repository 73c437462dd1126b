package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of one service in one environment, with how many instances it should run: the unit
 * of blue/green. Immutable: every change is a new value, persisted by the store.
 *
 * @param settings what it runs with besides its artifact: variables, arguments, JVM options, secret versions
 * @param reason why the release reached its state (a failure's cause, who replaced it), or empty
 */
public record Release(
        ReleaseId id,
        EnvironmentName environment,
        ServiceName service,
        ArtifactRef artifact,
        int instances,
        HealthCheck health,
        int memoryMb,
        RunSettings settings,
        ReleaseState state,
        Instant createdAt,
        Instant deadline,
        Instant updatedAt,
        String reason) {

    public static final int MAX_MEMORY_MB = 65_536;

    public Release {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(updatedAt, "updatedAt");
        reason = reason == null ? "" : reason;
        if (instances < 0) {
            throw new ApolloException.Invalid("instances: " + instances + " (expected: >= 0)");
        }
        if (memoryMb < 16 || memoryMb > MAX_MEMORY_MB) {
            throw new ApolloException.Invalid("memory: " + memoryMb + " MB (expected: 16.." + MAX_MEMORY_MB + ")");
        }
    }

    public Version version() {
        return artifact.version();
    }

    public Release withState(ReleaseState newState, Instant at, String why) {
        return new Release(id, environment, service, artifact, instances, health, memoryMb, settings, newState, createdAt, deadline,
                at, why);
    }

    public Release withInstances(int count, Instant at) {
        return new Release(id, environment, service, artifact, count, health, memoryMb, settings, state, createdAt, deadline, at,
                reason);
    }

    /** The same release with another deadline, e.g. one moved past an outage of the control plane. */
    public Release withDeadline(Instant newDeadline, Instant at) {
        return new Release(id, environment, service, artifact, instances, health, memoryMb, settings, state, createdAt,
                newDeadline, at, reason);
    }

    public Optional<String> reasonText() {
        return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }

    public Duration age(Instant now) {
        return Duration.between(createdAt, now);
    }

    /** "web-service:1.6.0 (r12) in production", the way errors and events name a release. */
    public String describe() {
        return service + ":" + version() + " (" + id + ") in " + environment;
    }
}
