package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.SettingsChange;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.deploy.RollbackTarget;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What people ask of a service's releases: deploy, scale, undeploy, roll back, and the testbed's
 * promotion or discard. Each command checks, then writes the releases and their events in one
 * transaction; the control loop carries the change out. Runs on the controller thread.
 */
final class ReleaseCommands {
    private final DesiredState desired;
    private final Instances instances;
    private final TopologyCommands topology;
    private final Runnable publishRoutes;
    private final Clock clock;
    private final Duration deployTimeout;

    /** @param deployTimeout the deadline of a deploy started by a testbed promotion or a rollback */
    ReleaseCommands(DesiredState desired, Instances instances, TopologyCommands topology, Runnable publishRoutes, Clock clock,
            Duration deployTimeout) {
        this.desired = desired;
        this.instances = instances;
        this.topology = topology;
        this.publishRoutes = publishRoutes;
        this.clock = clock;
        this.deployTimeout = deployTimeout;
    }

    DeployResult deploy(Deploy deploy) {
        ServiceName service = deploy.artifact().name();
        desired.requireEnvironment(deploy.environment());
        topology.requireNotExternal(deploy.environment(), service);
        Optional<Release> deploying = desired.find(deploy.environment(), service, ReleaseState.DEPLOYING);
        if (deploying.isPresent()) {
            throw new ApolloException.Conflict(deploying.get().describe() + " is still being deployed; wait for it"
                    + " to finish (apollo status " + service + " -e " + deploy.environment() + ") and deploy again.");
        }
        long cursor = desired.cursor();
        Instant now = clock.instant();
        Optional<Release> live = desired.find(deploy.environment(), service, ReleaseState.LIVE);
        deploy.paths().forEach(path -> topology.putRoute(deploy.environment(), path, service, now));
        if (deploy.testbed()) {
            return new DeployResult("deploy", startTestbed(deploy, live, now), cursor);
        }
        RunSettings settings = settings(deploy.environment(), service, deploy.variables(), deploy.arguments(),
                deploy.jvmOptions());
        // Other health checks make another release too: probes are only ever changed by a blue/green, never under a running one.
        if (live.isPresent() && live.get().artifact().equals(deploy.artifact()) && live.get().settings().equals(settings)
                && live.get().health().equals(deploy.health())) {
            if (live.get().instances() == deploy.instances()) {
                return new DeployResult("unchanged", live.get(), cursor);
            }
            return new DeployResult("scale", resize(live.get(), deploy.instances(), now), cursor);
        }
        Release release = new Release(desired.store().nextReleaseId(), deploy.environment(), service, deploy.artifact(),
                deploy.instances(), deploy.health(), deploy.memoryMb(), settings, ReleaseState.DEPLOYING, now,
                now.plus(deploy.deadline()), now, "");
        String beside = live.map(l -> " beside live " + l.id() + " (" + l.version() + ")").orElse("");
        desired.commit(List.of(release), List.of(Event.of(now, EventType.DEPLOY_STARTED, release,
                "deploying " + release.describe() + ": " + release.instances() + " instances" + beside, 0, 0)));
        return new DeployResult("deploy", release, cursor);
    }

    private Release startTestbed(Deploy deploy, Optional<Release> live, Instant now) {
        ServiceName service = deploy.artifact().name();
        if (live.isEmpty()) {
            throw new ApolloException.Conflict("a testbed runs beside a live release, and " + service + " has none in "
                    + deploy.environment() + "; deploy it first: apollo artifact-deploy " + service + ":VERSION");
        }
        List<Release> releases = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        ReleaseId id = desired.store().nextReleaseId();
        desired.find(deploy.environment(), service, ReleaseState.TESTBED).ifPresent(old -> {
            String why = "replaced by a newer testbed, " + id + " (" + deploy.artifact().version() + ")";
            releases.add(old.withState(ReleaseState.REPLACED, now, why));
            // Its own end, said on its own timeline: whoever follows its deploy learns it will never be ready.
            events.add(Event.of(now, EventType.RELEASE_REPLACED, old, old.describe() + " " + why, -1, -1));
        });
        RunSettings settings = settings(deploy.environment(), service, deploy.variables(), deploy.arguments(),
                deploy.jvmOptions());
        Release testbed = new Release(id, deploy.environment(), service, deploy.artifact(),
                deploy.instances(), deploy.health(), deploy.memoryMb(), settings, ReleaseState.TESTBED, now, now.plus(deploy.deadline()),
                now, "");
        releases.add(testbed);
        events.add(Event.of(now, EventType.DEPLOY_STARTED, testbed, "deploying testbed "
                + testbed.describe() + " beside live " + live.get().id() + " (" + live.get().version() + "): "
                + testbed.instances() + " instances", 0, 0));
        desired.commit(releases, events);
        return testbed;
    }

    Release scale(EnvironmentName environment, ServiceName service, int count) {
        desired.requireEnvironment(environment);
        requireNoDeploy(environment, service, "scale");
        Release live = live(environment, service);
        return live.instances() == count ? live : resize(live, count, clock.instant());
    }

    private Release resize(Release live, int count, Instant now) {
        Release resized = live.withInstances(count, now);
        desired.commit(List.of(resized), List.of(Event.of(now, EventType.SCALED, resized,
                resized.describe() + " scaled from " + live.instances() + " to " + count + " instances",
                instances.serving(live.id()), instances.healthy(live.id()))));
        return resized;
    }

    List<Release> undeploy(EnvironmentName environment, ServiceName service) {
        desired.requireEnvironment(environment);
        Instant now = clock.instant();
        List<Release> stopped = desired.activeOf(environment, service).stream()
                .map(r -> r.withState(ReleaseState.UNDEPLOYED, now, "undeployed on request"))
                .toList();
        if (stopped.isEmpty()) {
            throw notDeployed(environment, service);
        }
        desired.commit(stopped, stopped.stream()
                .map(r -> Event.of(now, EventType.UNDEPLOYED, r, r.describe() + " undeployed", -1, -1)).toList());
        return stopped;
    }

    /**
     * Puts the previous release back. Within the rollback window it is still running, so this is one
     * transaction and a route switch, published before the call returns; after it, a blue/green
     * deploy of the previous version.
     */
    RollbackResult rollback(EnvironmentName environment, ServiceName service) {
        desired.requireEnvironment(environment);
        requireNoDeploy(environment, service, "roll back");
        Release live = live(environment, service);
        long cursor = desired.cursor();
        Instant now = clock.instant();
        Optional<Release> previous = desired.find(environment, service, ReleaseState.PREVIOUS);
        int warm = previous.map(p -> instances.healthy(p.id())).orElse(0);
        switch (RollbackTarget.of(live, previous, warm, desired.store().history(environment, service))) {
            case RollbackTarget.Switch to -> {
                Release back = to.previous().withState(ReleaseState.LIVE, now, "");
                String why = "rolled back to " + back.id() + " (" + back.version() + ")";
                Release out = live.withState(ReleaseState.PREVIOUS, now, why);
                desired.commit(List.of(back, out), List.of(
                        Event.of(now, EventType.RELEASE_REPLACED, out, live.describe() + " " + why + "; kept warm", -1, -1),
                        Event.of(now, EventType.ROLLED_BACK, back, "rolled back " + service + " in " + environment + " from "
                                + live.id() + " (" + live.version() + ") to " + back.id() + " (" + back.version() + ")",
                                instances.serving(back.id()), warm)));
                publishRoutes.run();
                return new RollbackResult("switch", back, cursor);
            }
            case RollbackTarget.Redeploy of -> {
                Release earlier = of.earlier();
                Release redeploy = new Release(desired.store().nextReleaseId(), environment, service, earlier.artifact(),
                        live.instances(), earlier.health(), earlier.memoryMb(), earlier.settings(), ReleaseState.DEPLOYING, now,
                        now.plus(deployTimeout), now, "");
                desired.commit(List.of(redeploy), List.of(Event.of(now, EventType.DEPLOY_STARTED, redeploy, "rolling back:"
                        + " deploying " + redeploy.describe() + " beside live " + live.id() + " (" + live.version() + ");"
                        + " the previous release is no longer warm", 0, 0)));
                return new RollbackResult("deploy", redeploy, cursor);
            }
        }
    }

    /** Upgrades the live release to the testbed's version, blue/green, keeping the testbed's instances. */
    DeployResult promoteTestbed(EnvironmentName environment, ServiceName service, Optional<Integer> count) {
        desired.requireEnvironment(environment);
        requireNoDeploy(environment, service, "promote the testbed of");
        Release testbed = testbed(environment, service);
        int target = count.orElseGet(() -> desired.find(environment, service, ReleaseState.LIVE).map(Release::instances)
                .orElse(testbed.instances()));
        long cursor = desired.cursor();
        Instant now = clock.instant();
        Release promoted = new Release(testbed.id(), environment, service, testbed.artifact(), target, testbed.health(),
                testbed.memoryMb(), testbed.settings(), ReleaseState.DEPLOYING, testbed.createdAt(), now.plus(deployTimeout), now, "");
        desired.commit(List.of(promoted), List.of(Event.of(now, EventType.DEPLOY_STARTED, promoted, "promoting testbed "
                + promoted.describe() + " to live: " + target + " instances", instances.serving(promoted.id()),
                instances.healthy(promoted.id()))));
        return new DeployResult("deploy", promoted, cursor);
    }

    /**
     * Rolls the live release onto the service's current configuration and secrets as a new release,
     * blue/green: the same artifact, count, health check, arguments, JVM options and deploy variables.
     */
    DeployResult restart(EnvironmentName environment, ServiceName service) {
        desired.requireEnvironment(environment);
        requireNoDeploy(environment, service, "restart");
        Release live = live(environment, service);
        long cursor = desired.cursor();
        Instant now = clock.instant();
        RunSettings settings = settings(environment, service, live.settings().overrides(), live.settings().arguments(),
                live.settings().jvmOptions());
        Release release = new Release(desired.store().nextReleaseId(), environment, service, live.artifact(), live.instances(),
                live.health(), live.memoryMb(), settings, ReleaseState.DEPLOYING, now, now.plus(deployTimeout), now, "");
        List<String> changes = SettingsChange.between(live.settings(), settings);
        desired.commit(List.of(release), List.of(Event.of(now, EventType.DEPLOY_STARTED, release, "restarting "
                + service + " in " + environment + ": deploying " + release.describe() + " beside live " + live.id()
                + (changes.isEmpty() ? " with the same configuration" : "; " + String.join(", ", changes)), 0, 0)));
        return new DeployResult("deploy", release, cursor);
    }

    /** What a new release of the service runs with: its stored configuration and current secrets, then the deploy's own. */
    private RunSettings settings(EnvironmentName environment, ServiceName service, Map<VariableName, String> overrides,
            List<String> arguments, List<String> jvmOptions) {
        Map<VariableName, Integer> secrets = new TreeMap<>();
        desired.store().secrets(environment, service).forEach(secret -> secrets.put(secret.name(), secret.version()));
        return RunSettings.of(desired.store().configuration(environment, service), overrides, arguments, jvmOptions, secrets);
    }

    Release discardTestbed(EnvironmentName environment, ServiceName service) {
        desired.requireEnvironment(environment);
        Release testbed = testbed(environment, service);
        Instant now = clock.instant();
        Release discarded = testbed.withState(ReleaseState.REPLACED, now, "testbed discarded on request");
        desired.commit(List.of(discarded), List.of(Event.of(now, EventType.TESTBED_DISCARDED, discarded,
                "testbed " + discarded.describe() + " discarded", -1, -1)));
        return discarded;
    }

    private Release live(EnvironmentName environment, ServiceName service) {
        return desired.find(environment, service, ReleaseState.LIVE).orElseThrow(() -> notDeployed(environment, service));
    }

    private Release testbed(EnvironmentName environment, ServiceName service) {
        return desired.find(environment, service, ReleaseState.TESTBED).orElseThrow(() -> new ApolloException.NotFound(
                service + " has no testbed in " + environment + "; start one with: apollo artifact-deploy " + service
                        + ":VERSION -n 1 --testbed -e " + environment));
    }

    private void requireNoDeploy(EnvironmentName environment, ServiceName service, String action) {
        Optional<Release> deploying = desired.find(environment, service, ReleaseState.DEPLOYING);
        if (deploying.isPresent()) {
            throw new ApolloException.Conflict("cannot " + action + " " + service + " while " + deploying.get().describe()
                    + " is being deployed; wait for the deploy to finish.");
        }
    }

    /** Names what is live there, so that a misspelt service shows at once. */
    private ApolloException notDeployed(EnvironmentName environment, ServiceName service) {
        List<String> live = desired.active().stream()
                .filter(r -> r.environment().equals(environment) && r.state() == ReleaseState.LIVE)
                .map(r -> r.service().value()).distinct().sorted().toList();
        return new ApolloException.NotFound("service " + service + " has no live release in " + environment
                + "; deploy it first: apollo artifact-deploy " + service + ":VERSION -e " + environment
                + (live.isEmpty() ? "" : " (live in " + environment + ": " + String.join(", ", live) + ")"));
    }
}
