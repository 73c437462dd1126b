package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EnvironmentRules;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What people ask of the platform's shape around the services: environments, web path rules and
 * 3rd-party services. Every change reaches the gateways before the command returns. Runs on the
 * controller thread.
 */
final class TopologyCommands {
    private final DesiredState desired;
    private final Runnable publishRoutes;
    private final Clock clock;

    TopologyCommands(DesiredState desired, Runnable publishRoutes, Clock clock) {
        this.desired = desired;
        this.publishRoutes = publishRoutes;
        this.clock = clock;
    }

    Environment createEnvironment(EnvironmentName name, Optional<EnvironmentName> fallback) {
        Environment environment = new Environment(name, fallback, clock.instant());
        EnvironmentRules.requireCreatable(environment, desired.environments());
        desired.store().createEnvironment(environment);
        changed();
        return environment;
    }

    /** Undeploys every service of the environment (their instances drain and stop), then deletes it. */
    List<Release> deleteEnvironment(EnvironmentName name) {
        EnvironmentRules.requireDeletable(name, desired.environments());
        Instant now = clock.instant();
        List<Release> stopped = desired.active().stream().filter(r -> r.environment().equals(name))
                .map(r -> r.withState(ReleaseState.UNDEPLOYED, now, "environment " + name + " deleted"))
                .toList();
        desired.commit(stopped, stopped.stream()
                .map(r -> Event.of(now, EventType.UNDEPLOYED, r, r.describe() + " undeployed: environment deleted", -1, -1))
                .toList());
        desired.store().deleteEnvironment(name);
        changed();
        return stopped;
    }

    External addExternal(External external) {
        desired.requireEnvironment(external.environment());
        if (!desired.activeOf(external.environment(), external.name()).isEmpty()) {
            throw new ApolloException.Conflict(external.name() + " is a service deployed in " + external.environment()
                    + "; a name cannot be both a service and an external in one environment. Undeploy it first or"
                    + " choose another name.");
        }
        desired.store().putExternal(external);
        changed();
        return external;
    }

    void removeExternal(EnvironmentName environment, ServiceName name) {
        desired.requireEnvironment(environment);
        if (!desired.store().removeExternal(environment, name)) {
            throw new ApolloException.NotFound("environment " + environment + " has no external named " + name
                    + " (see: apollo external list -e " + environment + ").");
        }
        changed();
    }

    void requireNotExternal(EnvironmentName environment, ServiceName service) {
        if (desired.externals().stream().anyMatch(e -> e.environment().equals(environment) && e.name().equals(service))) {
            throw new ApolloException.Conflict(service + " is an external (3rd-party service) in " + environment
                    + "; a name cannot be both. Remove it first: apollo external remove " + service + " -e " + environment);
        }
    }

    Route addRoute(Route route) {
        desired.requireEnvironment(route.environment());
        putRoute(route.environment(), route.path(), route.service(), route.createdAt());
        return route;
    }

    void putRoute(EnvironmentName environment, RoutePath path, ServiceName service, Instant at) {
        desired.store().putRoute(new Route(environment, path, service, at));
        desired.emitNow(Event.about(at, EventType.ROUTE_CHANGED, environment, Optional.of(service),
                "route " + path + " => " + service + " in " + environment));
        changed();
    }

    void removeRoute(EnvironmentName environment, RoutePath path) {
        desired.requireEnvironment(environment);
        if (!desired.store().removeRoute(environment, path)) {
            throw new ApolloException.NotFound("environment " + environment + " has no route for " + path
                    + " (see: apollo route list -e " + environment + ").");
        }
        desired.emitNow(Event.about(clock.instant(), EventType.ROUTE_CHANGED, environment, Optional.empty(),
                "route " + path + " removed from " + environment));
        changed();
    }

    private void changed() {
        desired.reloadTopology();
        publishRoutes.run();
    }
}
