package dev.apollo.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The records that cross the wire, one per resource. Fields that may be absent are boxed and
 * null on the wire means "not set" (or "the server's default" in requests).
 */
public final class Views {
    private Views() {}

    /** Every error the API answers: {@code error} is one of invalid, not_found, conflict, unauthorized, internal. */
    public record ErrorBody(String error, String message) {}

    /**
     * Who answers; {@code webGateway} and {@code rpcGateway} are where the gateways listen (HOST:PORT),
     * absent when it runs none.
     */
    public record ServerInfo(String version, long pid, String dataDir, Instant startedAt, String apiAddress, int instances,
            String webGateway, String rpcGateway) {}

    /**
     * A stored artifact.
     *
     * @param kind {@code jar} or {@code image}
     * @param sha256 the content's digest; for an image recorded by reference, the engine's id of it
     * @param image the engine's reference of an image recorded without its bytes; null otherwise
     */
    public record ArtifactView(String name, String version, String kind, String sha256, long size, Instant storedAt,
            String image) {}

    /** Records an image the engine already has as an artifact, e.g. {@code {"image":"acme/orders:1.4"}}. */
    public record ImageArtifactRequest(String image) {}

    /**
     * Which control plane leads, for {@code apollo status}. {@code mode} is this control plane's:
     * {@code solo} (its store is its own), {@code leader}, {@code standby}, or {@code stepped-down}
     * (it lost its lease, says why in {@code note}, and no longer campaigns until restarted).
     */
    public record LeadershipView(String mode, String id, long epoch, String leaderId, String leaderAddress,
            Instant leaseExpiresAt, String note, List<ControlPlaneView> controlPlanes) {}

    /**
     * A control plane sharing the store, and when it last campaigned. {@code role}: {@code leader},
     * {@code standby}, or {@code silent} (no contact for over a lease: stopped, paused or cut off).
     */
    public record ControlPlaneView(String id, String address, Instant startedAt, Instant seenAt, String role) {}

    /**
     * A deploy; only {@code artifact} is required, everything else has the server's default.
     *
     * @param testbed run the release as the service's testbed, beside the live one
     * @param paths web path rules ({@code /a-path}) to point at the service in its environment
     * @param env the deploy's own variables, over the service's stored configuration; values may hold
     *     {@code ${PORT}} and the other variables every instance is given
     * @param args what the program gets after the jar
     * @param jvmOptions options for the instances' JVM
     */
    public record DeployRequest(
            String artifact,
            Integer instances,
            String environment,
            HealthCheckRequest health,
            Integer memoryMb,
            Integer deadlineSeconds,
            Boolean testbed,
            List<String> paths,
            Map<String, String> env,
            List<String> args,
            List<String> jvmOptions) {

        public static DeployRequest of(String artifact, int instances, String environment) {
            return new DeployRequest(artifact, instances, environment, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * What a release runs with besides its artifact: every variable (placeholders unexpanded), the
     * arguments after the jar, the JVM options, and the version of each secret (never a value).
     */
    public record SettingsView(Map<String, String> variables, List<String> arguments, List<String> jvmOptions,
            Map<String, Integer> secrets) {}

    /** A service's stored configuration in an environment: variables, and secrets by name and version only. */
    public record ConfigurationView(String environment, String service, Map<String, String> variables,
            List<SecretView> secrets) {}

    /** A secret without its value. */
    public record SecretView(String name, int version, Instant setAt) {}

    /** Changing a service's configuration: variables to set, names to unset, in one change. */
    public record ConfigurationChangeRequest(Map<String, String> set, List<String> unset) {}

    /** Setting a secret: its value, which no answer ever carries back. */
    public record SecretRequest(String value) {}

    /**
     * What a rollback did: {@code kind} "switch" (the warm previous release is live again;
     * {@code durationMs} is how long the switch took in the control plane) or "deploy" (the previous
     * version is being deployed blue/green; follow it from {@code eventCursor}).
     */
    public record RollbackResponse(String kind, ReleaseView release, long durationMs, long eventCursor) {}

    /** Promoting a testbed; {@code instances} defaults to the live release's count. */
    public record PromoteRequest(Integer instances) {}

    /** A web path rule: {@code /a-path => service} in an environment. */
    public record RouteView(String environment, String path, String service, Instant createdAt) {}

    /** Adding a route: the path prefix and the service it leads to. */
    public record RouteRequest(String path, String service) {}

    /**
     * How instances are watched, with two probes: {@code readiness} decides traffic (an instance gets
     * requests, and counts toward a deploy, only while it passes; {@code failureThreshold} failures
     * in a row take it out of the route table, one pass puts it back, and it is never restarted for
     * it) and {@code liveness} decides restarts ({@code failureThreshold} failures in a row and it is
     * replaced; failures during {@code graceMs} after start, before it ever passed, don't count).
     * Either, when absent, is {@code GET path} ({@code path} defaults to /health/is_alive); when the
     * two are the same probe it is sent once. Both are probed every {@code intervalMs}, each given
     * {@code timeoutMs}. Null fields take the defaults.
     */
    public record HealthCheckRequest(String path, Integer graceMs, Integer intervalMs, Integer timeoutMs, Integer failureThreshold,
            ProbeRequest readiness, ProbeRequest liveness) {}

    /**
     * One probe, sent from the control plane's machine: {@code type} "http" ({@code GET path}, passes
     * on 2xx), "tcp" (a connect to the instance's port) or "command" ({@code command}: a program, by
     * absolute path or a name on the control plane's PATH, and its arguments; it gets the instance's
     * address in {@code APOLLO_INSTANCE_HOST} and {@code APOLLO_INSTANCE_PORT} and passes on exit 0).
     */
    public record ProbeRequest(String type, String path, List<String> command) {
        public static ProbeRequest http(String path) {
            return new ProbeRequest("http", path, null);
        }

        public static ProbeRequest tcp() {
            return new ProbeRequest("tcp", null, null);
        }

        public static ProbeRequest command(List<String> command) {
            return new ProbeRequest("command", null, command);
        }
    }

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
            String reason,
            SettingsView settings,
            List<String> changes) {}

    /**
     * One instance. {@code health} is starting, healthy, not_ready (alive, but failing its readiness
     * probe: no traffic, no restart), unhealthy, draining, stopping or exited;
     * {@code exit} says how it ended, when it has.
     */
    public record InstanceView(
            String id, String release, String version, String address, String health, Instant startedAt, String exit) {}

    /**
     * A service in one environment: its live release, the release being deployed if any, the
     * previous release while it is kept warm for rollback, its testbed, every instance, and how its
     * instances have been failing.
     */
    public record ServiceStatus(
            String environment,
            String service,
            ReleaseView live,
            ReleaseView deploying,
            List<InstanceView> instances,
            int restarts,
            Instant backoffUntil,
            String lastExit,
            ReleaseView previous,
            ReleaseView testbed) {}

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
            int target,
            String instance) {}

    public record EnvironmentView(String name, String fallback, Instant createdAt) {}

    /** Creating an environment; {@code fallback} (optional) is where services it lacks are found. */
    public record EnvironmentRequest(String name, String fallback) {}

    /** A 3rd-party service: {@code <RPC_INT>/<name>/<path>} goes to {@code url/<path>} in this environment. */
    public record ExternalView(String environment, String name, String url, Instant createdAt) {}

    public record ExternalRequest(String name, String url) {}

    public record LogLines(String instance, List<String> lines) {}

    /**
     * The gateway in front of the instances. {@code kind} is "embedded" (Apollo's own, on Netty) or
     * "nginx" (a real nginx whose nginx.conf Apollo renders); {@code web} and {@code rpc} are where
     * it listens (HOST:PORT, null when it runs none). The rest is about an nginx gateway and null
     * for the embedded one: which binary and version, the route-table version and config digest
     * (sha256 of the rendered file) nginx serves now and since when, how many reloads it took, how
     * long the last one took (validate + reload + new workers answering), how many old workers are
     * still finishing their requests, and the last error (a config nginx refused), if it stands.
     *
     * <p>{@code state}, {@code pids}, {@code serving} and {@code restarts} tell whether it serves
     * right now, for the embedded gateway (null for nginx): it runs as two processes on the same
     * listening sockets, one serving and one standing by to take over, and the control plane starts a
     * new one as soon as one dies. {@code state} is "serving" (both run, one serves), "degraded" (one
     * runs and serves while the other is started again) or "down" (none runs); {@code pids} are those
     * running, {@code serving} the one of them that accepts connections (0: none yet); {@code restarts}
     * how many were started again since this control plane started; {@code lastError} then says which
     * one died last, while it stands.
     */
    public record GatewayView(
            String kind,
            String web,
            String rpc,
            String binary,
            String engineVersion,
            Long appliedRoutesVersion,
            String appliedConfig,
            Instant appliedAt,
            Long reloads,
            Long lastApplyMs,
            Integer retiringWorkers,
            String lastError,
            Instant lastErrorAt,
            String state,
            List<Long> pids,
            Long serving,
            Integer restarts) {
        /** A view without the process fields (nginx's). */
        public GatewayView(String kind, String web, String rpc, String binary, String engineVersion, Long appliedRoutesVersion,
                String appliedConfig, Instant appliedAt, Long reloads, Long lastApplyMs, Integer retiringWorkers,
                String lastError, Instant lastErrorAt) {
            this(kind, web, rpc, binary, engineVersion, appliedRoutesVersion, appliedConfig, appliedAt, reloads, lastApplyMs,
                    retiringWorkers, lastError, lastErrorAt, null, null, null, null);
        }
    }

    /** A one-time login link to the web dashboard ({@code apollo dashboard}): good once, until {@code expiresAt}. */
    public record DashboardLink(String url, Instant expiresAt) {}

    /** The newest events (oldest first) and the id to follow the stream after, for a page's first paint. */
    public record RecentEvents(long cursor, List<EventView> events) {}
}
