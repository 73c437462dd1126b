package dev.apollo.api;

import java.time.Instant;
import java.util.List;

/**
 * The records that cross the wire, one per resource. Fields that may be absent are boxed and
 * null on the wire means "not set" (or "the server's default" in requests).
 */
public final class Views {
    private Views() {}

    /** Every error the API answers: {@code error} is one of invalid, not_found, conflict, unauthorized, internal. */
    public record ErrorBody(String error, String message) {}

    public record ServerInfo(String version, long pid, String dataDir, Instant startedAt, String apiAddress, int instances) {}

    public record ArtifactView(String name, String version, String sha256, long size, Instant storedAt) {}

    /** A deploy; only {@code artifact} is required, everything else has the server's default. */
    public record DeployRequest(
            String artifact,
            Integer instances,
            String environment,
            HealthCheckRequest health,
            Integer memoryMb,
            Integer deadlineSeconds) {

        public static DeployRequest of(String artifact, int instances, String environment) {
            return new DeployRequest(artifact, instances, environment, null, null, null);
        }
    }

    /**
     * How instances are health-checked: {@code GET path}, every {@code intervalMs}, each probe
     * given {@code timeoutMs}; failures during {@code graceMs} after start don't count, and
     * {@code failureThreshold} in a row make an instance unhealthy. Null fields take the defaults.
     */
    public record HealthCheckRequest(String path, Integer graceMs, Integer intervalMs, Integer timeoutMs, Integer failureThreshold) {}

    /**
     * What a deploy did: {@code kind} is "deploy" (a new release starts), "scale" (the live release
     * of this version was resized) or "unchanged". {@code eventCursor} is the last event id before
     * the deploy, from which its progress can be followed on {@code /v1/events}.
     */
    public record DeployResponse(String kind, ReleaseView release, long eventCursor) {}

    public record ScaleRequest(Integer instances) {}

    public record ReleaseView(
            String id,
            String environment,
            String service,
            String artifact,
            String version,
            int instances,
            String state,
            Instant createdAt,
            Instant updatedAt,
            Instant deadline,
            String reason) {}

    /**
     * One instance. {@code health} is starting, healthy, unhealthy, stopping or exited;
     * {@code exit} says how it ended, when it has.
     */
    public record InstanceView(
            String id, String release, String version, String address, String health, Instant startedAt, String exit) {}

    /**
     * A service in one environment: its live release, the release being deployed if any, every
     * instance, and how its instances have been failing.
     */
    public record ServiceStatus(
            String environment,
            String service,
            ReleaseView live,
            ReleaseView deploying,
            List<InstanceView> instances,
            int restarts,
            Instant backoffUntil,
            String lastExit) {}

    public record EventView(
            long id,
            Instant at,
            String type,
            String environment,
            String service,
            String release,
            String message,
            int started,
            int healthy,
            int target) {}

    public record EnvironmentView(String name, String fallback, Instant createdAt) {}

    public record LogLines(String instance, List<String> lines) {}
}
